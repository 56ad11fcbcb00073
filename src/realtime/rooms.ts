/** Room names the server uses; channels map 1:1 onto Socket.IO rooms. */
export function userRoom(userId: string): string {
  return `user:${userId}`;
}
