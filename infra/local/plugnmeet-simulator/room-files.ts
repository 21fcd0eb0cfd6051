/**
 * The upload folders `upload/<roomSid>/` in memory: file name to bytes. Files stay after
 * failures and across simulated restarts, as files on the server's disk do, which is what makes
 * grab's resume logic reuse or corrupt a later same-named download.
 */
export class RoomFiles {
  private readonly folders = new Map<string, Map<string, Buffer>>();

  read(roomSid: string, filename: string): Buffer | undefined {
    return this.folders.get(roomSid)?.get(filename);
  }

  write(roomSid: string, filename: string, content: Buffer): void {
    let folder = this.folders.get(roomSid);
    if (!folder) {
      folder = new Map();
      this.folders.set(roomSid, folder);
    }
    folder.set(filename, content);
  }

  /** Moves a file to a new name, replacing any file there, as `os.Rename` does. */
  rename(roomSid: string, from: string, to: string): void {
    if (from === to) return;
    const folder = this.folders.get(roomSid);
    const content = folder?.get(from);
    if (!folder || !content) return;
    folder.delete(from);
    folder.set(to, content);
  }
}
