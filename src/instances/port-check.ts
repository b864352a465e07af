/** Whether nothing listens on 127.0.0.1:port right now (something else may own a pool port). */
export async function isPortFree(port: number, hostname = "127.0.0.1"): Promise<boolean> {
  try {
    const listener = Bun.listen({ hostname, port, socket: { data() {} } });
    listener.stop(true);
    return true;
  } catch {
    return false;
  }
}
