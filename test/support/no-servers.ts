/** The fast tier's global setup and teardown (`npm run test:fast`): unit and inject() tests need no servers. */
export default async function noServers(): Promise<void> {}
