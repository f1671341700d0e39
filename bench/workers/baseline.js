// workerd cold-start worker with no library: the floor (workerd start + one round trip).
export default {
  async fetch() {
    return new Response("https://as.example/authorize?code_challenge_method=S256");
  },
};
