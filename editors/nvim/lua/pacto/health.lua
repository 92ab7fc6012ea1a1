-- `:checkhealth pacto`: the Neovim version, and the server binary the `pacto` config would start.
local M = {}

local VERSION_TIMEOUT_MS = 5000

function M.check()
  vim.health.start('pacto')

  if vim.fn.has('nvim-0.11') == 1 then
    vim.health.ok('Neovim ' .. tostring(vim.version()))
  else
    vim.health.error('Neovim ' .. tostring(vim.version()) .. ' is too old', { 'pacto needs Neovim 0.11 or newer' })
  end

  local binary = require('pacto.commands').server_binary(vim.lsp.get_clients({ name = 'pacto' })[1])
  local path = vim.fn.exepath(binary)
  if path == '' then
    vim.health.error(string.format('`%s` not found (from the `cmd` of the `pacto` LSP config)', binary), {
      'Install it: cargo install --path server/cli (in a pacto checkout)',
      "Or point the config at it: vim.lsp.config('pacto', { cmd = { '/path/to/pacto', 'lsp' } })",
    })
    return
  end
  local ok, res = pcall(function()
    return vim.system({ path, 'version' }, { text = true }):wait(VERSION_TIMEOUT_MS)
  end)
  if ok and res.code == 0 then
    vim.health.ok(string.format('%s: %s', path, vim.trim(res.stdout)))
  else
    local why = ok and string.format('exit %d %s', res.code, vim.trim(res.stderr or '')) or tostring(res)
    vim.health.error(string.format('`%s version` failed: %s', path, why), { 'Is it the pacto binary? Reinstall it' })
  end

  if vim.lsp.config.pacto == nil then
    vim.health.warn('no `pacto` LSP config found', { 'Add editors/nvim to the runtimepath' })
  end
  if #vim.lsp.get_clients({ name = 'pacto' }) == 0 then
    vim.health.info("no pacto client running: enable it with vim.lsp.enable('pacto') and open a pacto.yaml")
  end
end

return M
