-- Pacto contracts: the `yaml.pacto` filetype and the `:Pacto…` commands of buffers the `pacto` server attaches to.
-- The server itself is configured by `lsp/pacto.lua`; turn it on with `vim.lsp.enable('pacto')`.
if vim.g.loaded_pacto then
  return
end
vim.g.loaded_pacto = true

local FIRST_KEY_LINES = 50

-- A compound filetype keeps YAML highlighting and ftplugins while letting the server attach to contracts only,
-- as nvim-lspconfig's `lsp/yamlls.lua` does for `yaml.docker-compose`.
local function detect_by_first_key(_, bufnr)
  -- `vim.filetype.match()` may be asked about a file name alone; without its text, leave it to the extension.
  if not bufnr or not vim.api.nvim_buf_is_loaded(bufnr) then
    return nil
  end
  for _, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, FIRST_KEY_LINES, false)) do
    -- Comments, blank lines, directives and the document marker may precede the first key.
    if not (line:match('^%s*$') or line:match('^%s*#') or line:match('^%%') or line:match('^%-%-%-%s*$')) then
      if line:match('^pactoVersion%s*:') or line:match('^["\']pactoVersion["\']%s*:') then
        return 'yaml.pacto'
      end
      return nil
    end
  end
  return nil
end

vim.filetype.add({
  filename = {
    ['pacto.yaml'] = 'yaml.pacto',
    ['pacto.yml'] = 'yaml.pacto',
  },
  pattern = {
    -- Returning nil lets other YAML files fall through to the `yaml` filetype.
    ['.*%.ya?ml'] = { detect_by_first_key, { priority = 1 } },
  },
})

-- Without a parser registered for `yaml.pacto`, treesitter highlighting would not start on contracts
-- (`:h vim.treesitter.language.register()`, and nvim-lspconfig's `lsp/buf_ls.lua`). Guarded for builds without it.
pcall(vim.treesitter.language.register, 'yaml', 'yaml.pacto')

require('pacto.diagnostics').setup()
require('pacto.codelens').setup()

vim.api.nvim_create_autocmd('LspAttach', {
  group = vim.api.nvim_create_augroup('pacto.attach', { clear = true }),
  desc = 'Create the :Pacto… commands in buffers the pacto server attaches to',
  callback = function(args)
    local client = vim.lsp.get_client_by_id(args.data.client_id)
    if client and client.name == 'pacto' then
      require('pacto.commands').attach(args.buf)
      require('pacto.codelens').attach(args.buf, client)
      require('pacto.diagnostics').attach(args.buf, client)
    end
  end,
})

vim.api.nvim_create_autocmd('LspDetach', {
  group = vim.api.nvim_create_augroup('pacto.detach', { clear = true }),
  desc = 'Stop refreshing the pacto code lenses and findings of a buffer the server left',
  callback = function(args)
    local client = vim.lsp.get_client_by_id(args.data.client_id)
    if client and client.name == 'pacto' then
      require('pacto.codelens').detach(args.buf)
      require('pacto.diagnostics').detach(args.buf)
    end
  end,
})
