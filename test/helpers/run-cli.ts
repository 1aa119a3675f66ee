// Runs the CLI from source (through tsx) for tests that need a real server process.
import { main } from '../../src/cli/main.js'

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error)
    process.exit(1)
  },
)
