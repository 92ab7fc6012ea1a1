-- Loads only this plugin and turns the pacto server on, as a user's config would.
local plugin_dir = vim.fs.dirname(vim.fs.dirname(vim.fs.normalize(debug.getinfo(1, 'S').source:sub(2))))
-- Neovim's own treesitter parsers (`<prefix>/lib/nvim/parser`) stay: hover windows render Markdown with them.
local parsers = vim.fs.joinpath(vim.fs.dirname(vim.fs.dirname(vim.v.progpath)), 'lib', 'nvim')
vim.opt.runtimepath = { vim.env.VIMRUNTIME, plugin_dir }
if vim.uv.fs_stat(vim.fs.joinpath(parsers, 'parser')) then
  vim.opt.runtimepath:append(parsers)
end
vim.opt.packpath = {}
-- netrw lives in a package; with no packpath its plugin would fail to load.
vim.g.loaded_netrw = 1
vim.g.loaded_netrwPlugin = 1
vim.opt.swapfile = false
vim.opt.shadafile = 'NONE'
package.path = plugin_dir .. '/tests/?.lua;' .. package.path
vim.cmd('filetype on')
vim.cmd('runtime plugin/pacto.lua')
vim.lsp.enable('pacto')
