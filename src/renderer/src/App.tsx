export function App() {
  return <main className="p-6 text-lg">Keywarden</main>
}
