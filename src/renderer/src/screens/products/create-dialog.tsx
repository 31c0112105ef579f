import { useForm } from 'react-hook-form'
import { zodResolver } from '@hookform/resolvers/zod'
import { z } from 'zod'
import type { ProductDto } from '@shared/dto'
import { createProductSchema } from '@shared/schemas'
import { useApp } from '../../store'
import { Modal } from '../../components/ui/dialog'
import { Field } from '../../components/ui/field'
import { Input, Textarea } from '../../components/ui/input'
import { Button } from '../../components/ui/button'

const formSchema = createProductSchema.pick({ name: true, description: true })
type FormValues = z.infer<typeof formSchema>

/** New product: a name (validated by the same schema as the server) and a description. */
export function CreateProductDialog({
  open,
  onOpenChange,
  onCreated,
}: {
  open: boolean
  onOpenChange(o: boolean): void
  onCreated?(p: ProductDto): void
}) {
  const create = useApp((s) => s.createProduct)
  const { register, handleSubmit, reset, formState } = useForm<FormValues>({
    resolver: zodResolver(formSchema),
    defaultValues: { name: '', description: '' },
  })
  const submit = handleSubmit(async (v) => {
    const p = await create(v)
    if (!p) return
    reset()
    onOpenChange(false)
    onCreated?.(p)
  })
  return (
    <Modal
      open={open}
      onOpenChange={onOpenChange}
      title="New product"
      description="You can set license defaults and the policy after creating it."
      footer={
        <>
          <Button onClick={() => onOpenChange(false)}>Cancel</Button>
          <Button
            variant="primary"
            type="submit"
            form="create-product"
            disabled={formState.isSubmitting}
          >
            Create product
          </Button>
        </>
      }
    >
      <form
        id="create-product"
        onSubmit={(e) => void submit(e)}
        className="flex flex-col gap-4"
        noValidate
      >
        <Field label="Product name" error={formState.errors.name?.message}>
          <Input autoFocus placeholder="e.g. PixelForge Pro" {...register('name')} />
        </Field>
        <Field
          label="Description"
          error={formState.errors.description?.message}
          hint="Optional; only you see it."
        >
          <Textarea {...register('description')} />
        </Field>
      </form>
    </Modal>
  )
}
