-- A tiny test runner for headless Neovim: `ok <name>` / `not ok <name>: <why>` per test, bounded waits only.
local M = {}

-- Every wait gives up after this, so a server that never answers fails a test instead of hanging the run.
M.WAIT_TIMEOUT_MS = 10000
local POLL_MS = 20

local work = assert(vim.env.PACTO_TEST_WORK, 'PACTO_TEST_WORK is not set (run tests/run.sh)')
-- A fresh copy of `tests/fixtures` for this run; files written by tests go to `scratch`, outside any bundle search.
M.work_dir = vim.fs.joinpath(work, 'fixtures')
local scratch_dir = vim.fs.joinpath(work, 'scratch')

local tests = {}

---@param name string
---@param fn fun()
function M.test(name, fn)
  table.insert(tests, { name = name, fn = fn })
end

local function out(line)
  io.stdout:write(line, '\n')
  io.stdout:flush()
end

--- Waits until `cond` returns a truthy value and returns it; errors with `what` after the timeout.
---@generic T
---@param what string
---@param cond fun(): T
---@return T
function M.wait_for(what, cond)
  local res
  local ok = vim.wait(M.WAIT_TIMEOUT_MS, function()
    res = cond()
    return res and true or false
  end, POLL_MS)
  if not ok then
    error('timed out waiting for ' .. what, 2)
  end
  return res
end

function M.eq(expected, actual, what)
  if not vim.deep_equal(expected, actual) then
    error(
      string.format('%s: expected %s, got %s', what or 'value', vim.inspect(expected), vim.inspect(actual)),
      2
    )
  end
end

function M.contains(haystack, needle, what)
  if type(haystack) ~= 'string' or not haystack:find(needle, 1, true) then
    error(string.format('%s: %s does not contain %s', what or 'text', vim.inspect(haystack), vim.inspect(needle)), 2)
  end
end

--- The path of a file under the run's copy of `tests/fixtures`.
function M.path(rel)
  return vim.fs.joinpath(M.work_dir, rel)
end

--- Opens a fixture and waits for the pacto client to attach; returns the buffer and the client.
---@return integer, vim.lsp.Client
function M.open(rel)
  local path = rel:sub(1, 1) == '/' and rel or M.path(rel)
  vim.cmd.edit(vim.fn.fnameescape(path))
  local bufnr = vim.api.nvim_get_current_buf()
  local client = M.wait_for('the pacto client to attach to ' .. rel, function()
    local client = vim.lsp.get_clients({ bufnr = bufnr, name = 'pacto' })[1]
    return client and client.initialized and client
  end)
  return bufnr, client
end

--- Writes `text` with one `$0` cursor marker to `rel` under the scratch directory, opens it and returns the buffer,
--- the client and the 0-based cursor position `{ line, character }` (bytes: the client negotiates UTF-8 and the
--- fixtures are ASCII).
function M.open_with_cursor(rel, text)
  local before = assert(text:match('^(.-)%$0'), 'fixture has no $0')
  local path = vim.fs.joinpath(scratch_dir, rel)
  vim.fn.mkdir(vim.fs.dirname(path), 'p')
  local file = assert(io.open(path, 'w'))
  file:write((text:gsub('%$0', '', 1)))
  file:close()
  local lines = vim.split(before, '\n', { plain = true })
  local bufnr, client = M.open(path)
  return bufnr, client, { line = #lines - 1, character = #lines[#lines] }
end

--- Diagnostics of `bufnr` once at least `n` are there, sorted by position, as `{ lnum, col, end_lnum, end_col,
--- severity, code }` rows.
function M.diagnostics(bufnr, n)
  local diags = M.wait_for(n .. ' diagnostic(s)', function()
    local diags = vim.diagnostic.get(bufnr)
    return #diags >= n and diags
  end)
  local rows = vim.tbl_map(function(d)
    return { d.lnum, d.col, d.end_lnum, d.end_col, d.severity, d.code }
  end, diags)
  table.sort(rows, function(a, b)
    return a[1] < b[1] or (a[1] == b[1] and a[2] < b[2])
  end)
  return rows
end

--- Sends one request to the pacto client of `bufnr` and returns its result; errors on an LSP error or timeout.
function M.request(bufnr, method, params)
  local client = assert(vim.lsp.get_clients({ bufnr = bufnr, name = 'pacto' })[1], 'no pacto client')
  local responses = vim.lsp.buf_request_sync(bufnr, method, params, M.WAIT_TIMEOUT_MS)
  local response = assert(responses and responses[client.id], 'no answer to ' .. method)
  if response.err then
    error(method .. ' failed: ' .. vim.inspect(response.err))
  end
  return response.result
end

function M.position_params(bufnr, position)
  return { textDocument = { uri = vim.uri_from_bufnr(bufnr) }, position = position }
end

--- Runs every test file, then every registered test in order, and exits with 1 if any failed.
function M.run(files)
  for _, file in ipairs(files) do
    local ok, err = pcall(dofile, file)
    if not ok then
      out(string.format('not ok %s: cannot load: %s', file, err))
    end
  end
  local n_failed = 0
  for _, case in ipairs(tests) do
    local ok, err = xpcall(case.fn, debug.traceback)
    if ok then
      out('ok ' .. case.name)
    else
      n_failed = n_failed + 1
      out(string.format('not ok %s: %s', case.name, (tostring(err):gsub('\n', '\n#   '))))
    end
    -- Each test starts from no buffers; unsaved edits are dropped.
    pcall(vim.cmd, 'silent! %bwipeout!')
    vim.fn.setqflist({}, 'r')
  end
  out('# done')
  -- Servers stopped and gone before quitting: Neovim's own stop at exit could write to a server that had already
  -- left, and die of SIGPIPE (exit 141) after a fully passing run.
  for _, client in ipairs(vim.lsp.get_clients()) do
    client:stop()
  end
  vim.wait(5000, function()
    return #vim.lsp.get_clients() == 0
  end, 20)
  vim.cmd(n_failed == 0 and 'qall!' or 'cquit! 1')
end

return M
