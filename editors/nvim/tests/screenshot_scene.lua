-- The scene of docs/nvim.png, played in Neovim inside tmux by screenshot.sh: the example contract with two faults,
-- their diagnostics as virtual text, and the hover of a key. Writes `$PACTO_SCENE_READY` once it is on screen,
-- or `$PACTO_SCENE_READY.failed` with the reason.
local ready = assert(vim.env.PACTO_SCENE_READY, 'PACTO_SCENE_READY is not set (run screenshot.sh)')
-- Every wait of the scene gives up after this, so a silent server fails the script instead of hanging it.
local TIMEOUT_MS = 15000
local N_DIAGNOSTICS = 2
local HOVER_AT = { 60, 2 } -- `min` of `scaling`, (1-based line, 0-based column)
local TOP_LINE = 40

local function finish(path, text)
  local file = assert(io.open(path, 'w'))
  file:write(text)
  file:close()
end

-- Shown in the picture, as a user would have it; Neovim 0.11 leaves diagnostic virtual text off by default.
vim.diagnostic.config({
  virtual_text = {
    format = function(d)
      return ('%s: %s'):format(d.code, d.message)
    end,
  },
  severity_sort = true,
})
vim.o.termguicolors = true
vim.o.number = true
vim.o.signcolumn = 'yes'
vim.o.showmode = false

local bufnr = vim.api.nvim_get_current_buf()
local ok = vim.wait(TIMEOUT_MS, function()
  return #vim.diagnostic.get(bufnr) >= N_DIAGNOSTICS
end, 50)
if not ok then
  local why = ('no diagnostics after %d ms (filetype %s, %d client(s), %s)'):format(
    TIMEOUT_MS,
    vim.bo.filetype,
    #vim.lsp.get_clients({ bufnr = bufnr }),
    vim.fn.exepath('pacto')
  )
  return finish(ready .. '.failed', why)
end
vim.fn.winrestview({ topline = TOP_LINE })
vim.api.nvim_win_set_cursor(0, HOVER_AT)

local function hover_window()
  return vim.iter(vim.api.nvim_list_wins()):any(function(win)
    return vim.api.nvim_win_get_config(win).relative ~= ''
  end)
end

-- Hover only once the main loop runs: its first CursorMoved (the cursor moved above) would close the window.
vim.defer_fn(function()
  -- Below the cursor, so that it hides none of the faults.
  vim.lsp.buf.hover({ anchor_bias = 'below', border = 'rounded' })
  local deadline = vim.uv.now() + TIMEOUT_MS
  local timer = assert(vim.uv.new_timer())
  timer:start(
    50,
    50,
    vim.schedule_wrap(function()
      if hover_window() then
        timer:stop()
        vim.cmd.redraw()
        finish(ready, 'ready\n')
      elseif vim.uv.now() > deadline then
        timer:stop()
        finish(ready .. '.failed', 'no hover window after ' .. TIMEOUT_MS .. ' ms')
      end
    end)
  )
end, 200)
