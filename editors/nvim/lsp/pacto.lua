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
---       -- `--option`s of every generator run; a 2.0 contract needs these for the kubernetes plugin
---       generate = { options = { image = 'ghcr.io/acme/api:1.0.0', ['port.api'] = '8080', replicas = '2' } },
---     },
---   },
--- })
--- ```

---@type vim.lsp.Config
return {
  cmd = { 'pacto', 'lsp' },
  filetypes = { 'yaml.pacto' },
  -- One server per git repository, so that it sees every contract there (local dependencies, the dependency graph)
  -- and a repository with 40 services runs one process, not 40; a contract outside any repository gets a server
  -- rooted at its own bundle directory. `root_markers` cannot say this: the nearest `pacto.yaml` would win.
  root_dir = function(bufnr, on_dir)
    local name = vim.api.nvim_buf_get_name(bufnr)
    local bundle = name ~= '' and vim.fs.dirname(name) or vim.fn.getcwd()
    on_dir(vim.fs.root(bufnr, '.git') or bundle)
  end,
  -- Empty: the server's defaults. `vim.lsp.config('pacto', { settings = { pacto = … } })` merges into it.
  settings = { pacto = {} },
  -- Workaround: Neovim 0.11 neither declares nor handles `workspace/codeLens/refresh`
  -- (https://github.com/neovim/neovim/pull/37658), which the server sends once a published version or git HEAD
  -- is known; without it the lenses would show that only after the next edit.
  --
  -- Neovim 0.11 pulls diagnostics only for buffers shown in a window and has no `workspace/diagnostic/refresh`
  -- handler; the plugin pulls the others (lua/pacto/diagnostics.lua), and this handler pulls every contract buffer
  -- when the server says its findings changed (a registry answered, a referenced file appeared).
  capabilities = { workspace = { codeLens = { refreshSupport = true }, diagnostics = { refreshSupport = true } } },
  handlers = {
    ['workspace/diagnostic/refresh'] = function(_, _, ctx)
      local client = vim.lsp.get_client_by_id(ctx.client_id)
      if client then
        require('pacto.diagnostics').pull_all(client)
      end
      return vim.NIL
    end,
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
