-- Code lenses of contracts ("vs 2.0.0: 1 breaking · …"): fetched on attach and after edits, and shown by
-- Neovim's own `vim.lsp.codelens` as virtual text. `vim.lsp.codelens.run()` runs the one under the cursor; the
-- "used by N services" one lists the dependents in the quickfix list.
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

-- The "used by N services" lens carries its dependents as `[uri, position, locations]` (server/lsp/src/commands.rs,
-- `SHOW_REFERENCES`): a client-side command, since only the editor can show a list (`:h vim.lsp.commands`).
M.SHOW_REFERENCES = 'pacto.showReferences'

---@param command lsp.Command
---@param ctx { client_id: integer }
function M.show_references(command, ctx)
  local locations = (command.arguments or {})[3] or {}
  if #locations == 0 then
    vim.notify('pacto: no service in the workspace depends on this contract', vim.log.levels.INFO)
    return
  end
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  local items = vim.lsp.util.locations_to_items(locations, client and client.offset_encoding or 'utf-16')
  vim.fn.setqflist({}, ' ', { title = command.title, items = items })
  vim.cmd('botright copen')
end

function M.setup()
  vim.lsp.commands[M.SHOW_REFERENCES] = M.show_references
end

---@param bufnr integer
function M.detach(bufnr)
  pcall(vim.api.nvim_del_augroup_by_name, group_name(bufnr))
  vim.lsp.codelens.clear(nil, bufnr)
end

return M
