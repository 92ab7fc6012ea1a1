---@brief
---
--- https://github.com/pacto-rs/pacto
---
--- `pacto lsp`: diagnostics, hover, completion, navigation, quick fixes and code lenses for Pacto service contracts.
---
--- Install the server (the `pacto` binary) from a checkout of the repository:
--- ```sh
--- cargo install --path server/cli
--- ```
---
--- The filetype `yaml.pacto` is set by this plugin's `plugin/pacto.lua` for `pacto.yaml`, `pacto.yml` and
--- YAML files whose first key is `pactoVersion`, so the server attaches to contracts only.
---
--- The server reads its settings from the `pacto` section (it asks with `workspace/configuration`); every key
--- is optional:
--- ```lua
--- vim.lsp.config('pacto', {
---   settings = {
---     pacto = {
---       -- glob (relative to the root) → repository the contract is published to, for :PactoDiff and the lenses
---       publish = { repository = { ['**/pacto.yaml'] = 'oci://registry.example.com/team/payments' } },
---       registry = { insecure = { 'localhost:5000' }, timeoutSeconds = 10 },
---       offline = false, -- true: the local cache only, never the network
---       cache = { tagTtlSeconds = 60 },
---     },
---   },
--- })
--- ```

---@type vim.lsp.Config
return {
  cmd = { 'pacto', 'lsp' },
  filetypes = { 'yaml.pacto' },
  root_markers = { 'pacto.yaml', 'pacto.yml', '.git' },
  -- Empty: the server's defaults. `vim.lsp.config('pacto', { settings = { pacto = … } })` merges into it.
  settings = { pacto = {} },
  -- Workaround: Neovim 0.11 neither declares nor handles `workspace/codeLens/refresh`
  -- (https://github.com/neovim/neovim/pull/37658), which the server sends once a published version or git HEAD
  -- is known; without it the lenses would show that only after the next edit.
  capabilities = { workspace = { codeLens = { refreshSupport = true } } },
  handlers = {
    ['workspace/codeLens/refresh'] = function(_, _, ctx)
      local client = vim.lsp.get_client_by_id(ctx.client_id)
      for bufnr in pairs(client and client.attached_buffers or {}) do
        -- The protocol asks for the lenses "currently shown in editors".
        if vim.fn.bufwinid(bufnr) ~= -1 then
          vim.lsp.codelens.refresh({ bufnr = bufnr })
        end
      end
      return vim.NIL
    end,
  },
}
