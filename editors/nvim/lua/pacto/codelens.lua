-- Code lenses of contracts ("vs 2.0.0: 1 breaking · …"): fetched on attach and after edits, and shown by
-- Neovim's own `vim.lsp.codelens` as virtual text. `vim.lsp.codelens.run()` runs the one under the cursor.
local M = {}

-- Neovim fetches code lenses only when asked (`:h vim.lsp.codelens.refresh()`), so ask on these.
M.REFRESH_EVENTS = { 'BufEnter', 'InsertLeave', 'TextChanged' }

local function group_name(bufnr)
  return 'pacto.codelens.' .. bufnr
end

---@param bufnr integer
---@param client vim.lsp.Client
function M.attach(bufnr, client)
  if not client:supports_method('textDocument/codeLens', bufnr) then
    return
  end
  local group = vim.api.nvim_create_augroup(group_name(bufnr), { clear = true })
  vim.api.nvim_create_autocmd(M.REFRESH_EVENTS, {
    group = group,
    buffer = bufnr,
    desc = 'Refresh the pacto code lenses',
    callback = function()
      vim.lsp.codelens.refresh({ bufnr = bufnr })
    end,
  })
  vim.lsp.codelens.refresh({ bufnr = bufnr })
end

---@param bufnr integer
function M.detach(bufnr)
  pcall(vim.api.nvim_del_augroup_by_name, group_name(bufnr))
  vim.lsp.codelens.clear(nil, bufnr)
end

return M
