---@brief
---
--- https://github.com/pacto-rs/pacto
---
--- `pacto lsp`: diagnostics, hover, completion, navigation and quick fixes for Pacto service contracts.
---
--- Install the server (the `pacto` binary) from a checkout of the repository:
--- ```sh
--- cargo install --path server/cli
--- ```
---
--- The filetype `yaml.pacto` is set by this plugin's `plugin/pacto.lua` for `pacto.yaml`, `pacto.yml` and
--- YAML files whose first key is `pactoVersion`, so the server attaches to contracts only.

---@type vim.lsp.Config
return {
  cmd = { 'pacto', 'lsp' },
  filetypes = { 'yaml.pacto' },
  root_markers = { 'pacto.yaml', 'pacto.yml', '.git' },
}
