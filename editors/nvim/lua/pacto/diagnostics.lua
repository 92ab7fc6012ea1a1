-- Diagnostics of every contract buffer, shown or hidden. The server answers `textDocument/diagnostic` (pull) for
-- clients that declare pull support and pushes to the others, never both, so no finding is shown twice.
--
-- Why the plugin pulls too: Neovim 0.11 pulls when it sends `didOpen`/`didChange`, but through a buffer-local
-- `LspNotify` autocommand while `LspNotify` fires for the current buffer only, and then only if that buffer is
-- shown in a window (`only_visible = true`; runtime/lua/vim/lsp/diagnostic.lua, client.lua); it never pulls on
-- `BufEnter`. Contracts opened one after another (`:edit a | edit b`, `:argdo`, a fuzzy finder)
-- therefore stayed without findings, also after `:buffer a`. Pulling here, into the same handler and so the same
-- namespace as Neovim's own pulls (`vim.lsp.diagnostic.on_diagnostic`), replaces rather than adds: a buffer shows
-- one copy of each finding whoever asked. Pushing from the server to Neovim instead would put the findings in a
-- second (push) namespace next to the pulled ones.
local M = {}

local PULL = 'textDocument/diagnostic'

local function group_name(bufnr)
  return 'pacto.diagnostics.' .. bufnr
end

--- Asks the server for the findings of `bufnr`; the answer goes through the client's `textDocument/diagnostic`
--- handler, as Neovim's own pulls do.
---@param client vim.lsp.Client
---@param bufnr integer
function M.pull(client, bufnr)
  if not vim.api.nvim_buf_is_loaded(bufnr) or not client.attached_buffers[bufnr] then
    return
  end
  client:request(PULL, { textDocument = { uri = vim.uri_from_bufnr(bufnr) } }, nil, bufnr)
end

--- Pulls every buffer the client is attached to: the server asked (`workspace/diagnostic/refresh`, after the
--- registry answered or a referenced file appeared), and hidden buffers must follow too.
---@param client vim.lsp.Client
function M.pull_all(client)
  for bufnr in pairs(client.attached_buffers) do
    M.pull(client, bufnr)
  end
end

--- Pulls the findings of a contract edited while it is not the current buffer (`:bufdo`, a plugin, a split).
--- Neovim fires `LspNotify` without a buffer, so its own buffer-local autocommand (and any other) only sees the
--- current one: this one is global and finds the buffer from the notification's URI.
function M.setup()
  vim.api.nvim_create_autocmd('LspNotify', {
    group = vim.api.nvim_create_augroup('pacto.diagnostics', { clear = true }),
    desc = 'Pull the findings of a pacto contract changed while another buffer is current',
    callback = function(args)
      if args.data.method ~= 'textDocument/didChange' then
        return
      end
      local client = vim.lsp.get_client_by_id(args.data.client_id)
      if not client or client.name ~= 'pacto' or not client:supports_method(PULL) then
        return
      end
      local bufnr = vim.uri_to_bufnr(args.data.params.textDocument.uri)
      if bufnr ~= vim.api.nvim_get_current_buf() then
        M.pull(client, bufnr)
      end
    end,
  })
end

---@param bufnr integer
---@param client vim.lsp.Client
function M.attach(bufnr, client)
  if not client:supports_method(PULL, bufnr) then
    -- A server that pushes needs nothing from us.
    return
  end
  local group = vim.api.nvim_create_augroup(group_name(bufnr), { clear = true })
  vim.api.nvim_create_autocmd('BufEnter', {
    group = group,
    buffer = bufnr,
    desc = 'Pull the findings of a pacto contract shown again',
    callback = function()
      M.pull(client, bufnr)
    end,
  })
  -- `LspAttach` runs after `didOpen` went out, so the server already has the text asked about.
  M.pull(client, bufnr)
end

---@param bufnr integer
function M.detach(bufnr)
  pcall(vim.api.nvim_del_augroup_by_name, group_name(bufnr))
end

return M
