-- The `:Pacto…` user commands: one table, created buffer-local in every buffer the `pacto` server attaches to.
local M = {}

-- A `pacto validate` run longer than this is killed, so the command always finishes.
local VALIDATE_TIMEOUT_MS = 30000
-- Directories never searched for bundles: they hold dependencies or history, not the workspace's contracts.
local SKIPPED_DIRS = { ['.git'] = true, node_modules = true, target = true, ['.venv'] = true }
local MAX_SEARCH_DEPTH = 20

local function pacto_client(bufnr)
  return vim.lsp.get_clients({ bufnr = bufnr, name = 'pacto' })[1]
end

--- The binary the client was started with, so the CLI matches the server; `pacto` when `cmd` is a function.
---@param client vim.lsp.Client?
---@return string
function M.server_binary(client)
  local cmd = client and client.config.cmd or (vim.lsp.config.pacto or {}).cmd
  if type(cmd) == 'table' and cmd[1] then
    return cmd[1]
  end
  return 'pacto'
end

--- Every directory under `root` (itself included) that holds a `pacto.yaml`, sorted.
---@param root string
---@return string[]
function M.find_bundles(root)
  local bundles = {}
  if vim.uv.fs_stat(vim.fs.joinpath(root, 'pacto.yaml')) then
    table.insert(bundles, root)
  end
  local entries = vim.fs.dir(root, {
    depth = MAX_SEARCH_DEPTH,
    skip = function(name)
      return not SKIPPED_DIRS[vim.fs.basename(name)]
    end,
  })
  for name, type in entries do
    if type == 'file' and vim.fs.basename(name) == 'pacto.yaml' and name ~= 'pacto.yaml' then
      table.insert(bundles, vim.fs.joinpath(root, vim.fs.dirname(name)))
    end
  end
  table.sort(bundles)
  return bundles
end

--- Quickfix items from one `pacto validate --output-format json` report.
---@param bundle string
---@param report table
---@return vim.quickfix.entry[]
function M.quickfix_items(bundle, report)
  local items = {}
  local filename = vim.fs.joinpath(bundle, 'pacto.yaml')
  for _, group in ipairs({ { report.Errors, 'E' }, { report.Warnings, 'W' } }) do
    -- The reference writes `null`, not `[]`, for an empty list.
    local findings = group[1] ~= vim.NIL and group[1] or {}
    for _, finding in ipairs(findings) do
      table.insert(items, {
        filename = filename,
        lnum = finding.Line,
        col = finding.Column,
        type = group[2],
        text = string.format('[%s] %s: %s', finding.Code, finding.Path, finding.Message),
      })
    end
  end
  return items
end

--- Runs `pacto validate` on every bundle under `root` at once and fills the quickfix list when all are done.
--- Fires `User PactoValidateWorkspaceDone` afterwards.
---@param binary string
---@param root string
function M.validate_workspace(binary, root)
  local bundles = M.find_bundles(root)
  local results = {}
  local n_pending = #bundles
  local function finish()
    local items = {}
    for _, bundle in ipairs(bundles) do
      vim.list_extend(items, results[bundle])
    end
    vim.fn.setqflist({}, ' ', { title = 'pacto validate ' .. root, items = items })
    local n_errors = #vim.tbl_filter(function(it)
      return it.type == 'E'
    end, items)
    vim.notify(
      string.format('pacto: %d bundle(s), %d error(s), %d warning(s)', #bundles, n_errors, #items - n_errors),
      n_errors > 0 and vim.log.levels.WARN or vim.log.levels.INFO
    )
    vim.api.nvim_exec_autocmds('User', { pattern = 'PactoValidateWorkspaceDone', data = { items = items } })
  end
  if n_pending == 0 then
    return finish()
  end
  for _, bundle in ipairs(bundles) do
    local cmd = { binary, '--output-format', 'json', 'validate', bundle }
    local ok, err = pcall(vim.system, cmd, { text = true, timeout = VALIDATE_TIMEOUT_MS }, function(res)
      vim.schedule(function()
        local decoded_ok, report = pcall(vim.json.decode, res.stdout or '')
        if decoded_ok and type(report) == 'table' then
          results[bundle] = M.quickfix_items(bundle, report)
        else
          -- No JSON: the run itself failed (a bundle it cannot read, a timeout); show its stderr.
          local message = vim.trim(res.stderr or '')
          results[bundle] = {
            {
              filename = vim.fs.joinpath(bundle, 'pacto.yaml'),
              lnum = 1,
              col = 1,
              type = 'E',
              text = string.format('pacto validate exited %d: %s', res.code, message),
            },
          }
        end
        n_pending = n_pending - 1
        if n_pending == 0 then
          finish()
        end
      end)
    end)
    if not ok then
      vim.notify('pacto: cannot run ' .. binary .. ': ' .. tostring(err), vim.log.levels.ERROR)
      return
    end
  end
end

--- Stops the buffer's `pacto` client and starts it again with the same configuration on the buffers it served.
---@param bufnr integer
function M.restart(bufnr)
  local client = pacto_client(bufnr)
  if not client then
    return vim.notify('pacto: no server attached to this buffer', vim.log.levels.WARN)
  end
  local config = client.config
  local buffers = vim.tbl_keys(client.attached_buffers)
  client:stop()
  local timer = assert(vim.uv.new_timer())
  timer:start(
    100,
    100,
    vim.schedule_wrap(function()
      if not client:is_stopped() then
        return
      end
      timer:stop()
      timer:close()
      for _, buf in ipairs(buffers) do
        if vim.api.nvim_buf_is_valid(buf) then
          vim.lsp.start(config, { bufnr = buf })
        end
      end
    end)
  )
end

-- What `:PactoDiff` and `:PactoGraph` accept; the first is the default.
M.DIFF_SIDES = { 'published', 'head' }
M.GRAPH_FORMATS = { 'mermaid', 'text' }

--- Shows `text` in a scratch buffer named `name` in a split below (the same buffer again if it is open),
--- and returns the buffer.
---@param name string
---@param text string
---@param filetype string
---@return integer
function M.show_scratch(name, text, filetype)
  local bufnr = -1
  for _, it in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_get_name(it) == name then
      bufnr = it
    end
  end
  if bufnr == -1 then
    bufnr = vim.api.nvim_create_buf(false, true)
    vim.api.nvim_buf_set_name(bufnr, name)
    vim.bo[bufnr].bufhidden = 'wipe'
  end
  vim.bo[bufnr].modifiable = true
  vim.api.nvim_buf_set_lines(bufnr, 0, -1, false, vim.split(text, '\n', { plain = true, trimempty = true }))
  vim.bo[bufnr].modifiable = false
  vim.bo[bufnr].modified = false
  vim.bo[bufnr].filetype = filetype
  local win = vim.fn.bufwinid(bufnr)
  if win == -1 then
    vim.api.nvim_open_win(bufnr, true, { split = 'below', win = 0 })
  else
    vim.api.nvim_set_current_win(win)
  end
  return bufnr
end

--- Checks a command's optional argument against its choices; returns the first choice when it is empty.
---@return string?
local function choice(arg, choices, what)
  if arg == '' then
    return choices[1]
  end
  if vim.tbl_contains(choices, arg) then
    return arg
  end
  vim.notify(
    string.format('pacto: unknown %s %q: use one of %s', what, arg, table.concat(choices, ', ')),
    vim.log.levels.ERROR
  )
end

local function complete_from(choices)
  return function(lead)
    return vim.tbl_filter(function(it)
      return vim.startswith(it, lead)
    end, choices)
  end
end

--- `pacto/diffDocument` for the contract in `bufnr`, shown as Markdown in a split. Fires `User PactoDiffDone`.
---@param bufnr integer
---@param against string
function M.diff(bufnr, against)
  local client = pacto_client(bufnr)
  if not client then
    return vim.notify('pacto: no server attached to this buffer', vim.log.levels.WARN)
  end
  local path = vim.api.nvim_buf_get_name(bufnr)
  local params = { uri = vim.uri_from_bufnr(bufnr), against = against }
  client:request('pacto/diffDocument', params, function(err, res)
    if err or type(res) ~= 'table' or type(res.markdown) ~= 'string' then
      vim.notify('pacto: no diff: ' .. (err and err.message or 'the server sent no Markdown'), vim.log.levels.ERROR)
      return
    end
    -- Named as the server names diff documents (`pacto-diff:<path>.diff.md?against=…`), with `//` so that
    -- Neovim keeps the name as it is instead of taking it for a path relative to the current directory.
    local diff = M.show_scratch(('pacto-diff://%s.diff.md?against=%s'):format(path, against), res.markdown, 'markdown')
    vim.api.nvim_exec_autocmds('User', { pattern = 'PactoDiffDone', data = { bufnr = diff, title = res.title } })
  end, bufnr)
end

--- `pacto.dependencyGraph` for the contract in `bufnr`, its Mermaid or text form in a split. Fires
--- `User PactoGraphDone`.
---@param bufnr integer
---@param format string
function M.graph(bufnr, format)
  local client = pacto_client(bufnr)
  if not client then
    return vim.notify('pacto: no server attached to this buffer', vim.log.levels.WARN)
  end
  local path = vim.api.nvim_buf_get_name(bufnr)
  local command =
    { title = 'Dependency graph', command = 'pacto.dependencyGraph', arguments = { vim.uri_from_bufnr(bufnr) } }
  client:exec_cmd(command, { bufnr = bufnr }, function(err, res)
    if err or type(res) ~= 'table' or type(res[format]) ~= 'string' then
      local why = err and err.message or ('the server sent no ' .. format)
      vim.notify('pacto: no dependency graph: ' .. why, vim.log.levels.ERROR)
      return
    end
    -- Neovim has no `mermaid` filetype of its own; the name lets a Mermaid parser or plugin pick it up.
    local graph = M.show_scratch(('pacto-graph://%s.%s'):format(path, format), res[format], format)
    vim.api.nvim_exec_autocmds('User', { pattern = 'PactoGraphDone', data = { bufnr = graph } })
  end)
end

---@class pacto.Command
---@field desc string
---@field nargs? string|integer
---@field complete? string|fun(lead: string): string[]
---@field run fun(bufnr: integer, opts: vim.api.keyset.create_user_command.command_args)

-- Deviation: nvim-lspconfig names server commands `:Lsp…`; these are the plugin's own, so they are `:Pacto…`.
-- New commands (a server `pacto/…` request, `client:exec_cmd()`) are one more entry here.
---@type table<string, pacto.Command>
M.commands = {
  PactoValidateWorkspace = {
    desc = 'Run `pacto validate` on every bundle under the workspace root (or [dir]) into the quickfix list',
    nargs = '?',
    complete = 'dir',
    run = function(bufnr, opts)
      local client = pacto_client(bufnr)
      local root = opts.args ~= '' and vim.fs.normalize(vim.fn.fnamemodify(opts.args, ':p'))
        or (client and client.root_dir)
        or vim.fn.getcwd()
      M.validate_workspace(M.server_binary(client), (root:gsub('/$', '')))
    end,
  },
  PactoDiff = {
    desc = 'Show the contract against its published version (or git HEAD) as Markdown in a split',
    nargs = '?',
    complete = complete_from(M.DIFF_SIDES),
    run = function(bufnr, opts)
      local against = choice(opts.args, M.DIFF_SIDES, 'diff side')
      if against then
        M.diff(bufnr, against)
      end
    end,
  },
  PactoGraph = {
    desc = 'Show the dependency graph as Mermaid (or text) in a split',
    nargs = '?',
    complete = complete_from(M.GRAPH_FORMATS),
    run = function(bufnr, opts)
      local format = choice(opts.args, M.GRAPH_FORMATS, 'graph format')
      if format then
        M.graph(bufnr, format)
      end
    end,
  },
  PactoRestart = {
    desc = 'Restart the pacto language server',
    run = function(bufnr)
      M.restart(bufnr)
    end,
  },
}

--- Creates every command of `M.commands` in `bufnr`.
---@param bufnr integer
function M.attach(bufnr)
  for name, command in pairs(M.commands) do
    vim.api.nvim_buf_create_user_command(bufnr, name, function(opts)
      command.run(bufnr, opts)
    end, { desc = command.desc, nargs = command.nargs or 0, complete = command.complete })
  end
end

return M
