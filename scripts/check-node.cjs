// Stops npm install / npm test / npm start at once on a Node older than the stack needs.
// Plain CommonJS with no syntax newer than Node 8, so that it runs everywhere it must refuse.
var need = [22, 14]
var have = process.versions.node.split('.').map(Number)
if (have[0] < need[0] || (have[0] === need[0] && have[1] < need[1])) {
  console.error(
    'Keywarden needs Node >= ' + need.join('.') + ' (found ' + process.versions.node + '); install Node 22 LTS and try again.'
  )
  process.exit(1)
}
