// Custom LSP methods of the pacto server. This file mirrors `server/lsp/src/ext.rs`: change both together.
//
// The server has no custom requests or notifications yet, so `ext.rs` does not exist either. Each one will be
// declared here as `export const name = new lc.RequestType<Params, Result, void>('pacto/name');`, next to its
// parameter types.
export {};
