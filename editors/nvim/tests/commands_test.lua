-- The plugin's own parts: filetype detection, the :Pacto… commands and :checkhealth pacto.
local t = require('harness')

t.test('filetype_by_name_and_first_key', function()
  local function filetype(rel)
    vim.cmd.edit(vim.fn.fnameescape(t.path(rel)))
    return vim.bo.filetype
  end
  t.eq('yaml.pacto', filetype('valid/pacto.yaml'), 'pacto.yaml')
  t.eq('yaml.pacto', filetype('contract.yml'), 'first key pactoVersion')
  t.eq('yaml', filetype('other.yaml'), 'other YAML')
  t.eq('yaml', filetype('valid/interfaces/openapi.yaml'), 'OpenAPI file')
end)

t.test('commands_are_buffer_local', function()
  local bufnr = t.open('valid/pacto.yaml')
  local names = vim.tbl_keys(vim.api.nvim_buf_get_commands(bufnr, {}))
  table.sort(names)
  t.eq({ 'PactoDiff', 'PactoGraph', 'PactoRestart', 'PactoValidateWorkspace' }, names, 'buffer commands')
  vim.cmd.edit(vim.fn.fnameescape(t.path('other.yaml')))
  t.eq({}, vim.api.nvim_buf_get_commands(0, {}), 'commands in other YAML')
end)

local function validate_workspace(args)
  local done = false
  vim.api.nvim_create_autocmd('User', {
    pattern = 'PactoValidateWorkspaceDone',
    once = true,
    callback = function()
      done = true
    end,
  })
  vim.cmd('PactoValidateWorkspace ' .. args)
  t.wait_for('pacto validate', function()
    return done
  end)
  return vim.tbl_map(function(it)
    return { vim.api.nvim_buf_get_name(it.bufnr), it.lnum, it.col, it.type, it.text }
  end, vim.fn.getqflist())
end

local INVALID_ITEM = {
  '/invalid/pacto.yaml',
  13,
  11,
  'E',
  "[SCHEMA_VIOLATION] runtime.state.type: at '/runtime/state/type': value must be one of 'stateless', 'stateful', "
    .. "'hybrid'",
}

t.test('validate_workspace_fills_quickfix', function()
  t.open('valid/pacto.yaml')
  -- Both bundles run; only the invalid one has findings, and `pacto validate` stops at the first failing layer.
  local items = validate_workspace(vim.fn.fnameescape(t.work_dir))
  local expected = vim.deepcopy(INVALID_ITEM)
  expected[1] = t.path('invalid/pacto.yaml')
  t.eq({ expected }, items, 'quickfix items')
  t.eq('pacto validate ' .. t.work_dir, vim.fn.getqflist({ title = true }).title, 'title')
end)

t.test('validate_workspace_defaults_to_client_root', function()
  t.open('invalid/pacto.yaml')
  local items = validate_workspace('')
  local expected = vim.deepcopy(INVALID_ITEM)
  expected[1] = t.path('invalid/pacto.yaml')
  t.eq({ expected }, items, 'quickfix items')
end)

t.test('restart_starts_a_new_client', function()
  local bufnr, client = t.open('invalid/pacto.yaml')
  t.diagnostics(bufnr, 2)
  vim.cmd('PactoRestart')
  local new_client = t.wait_for('a new client', function()
    local it = vim.lsp.get_clients({ bufnr = bufnr, name = 'pacto' })[1]
    return it and it.id ~= client.id and it.initialized and it
  end)
  t.eq(true, client:is_stopped(), 'old client stopped')
  t.eq(client.root_dir, new_client.root_dir, 'root')
  t.wait_for('diagnostics from the new client', function()
    -- Neovim 0.11 pulls diagnostics from a server that offers pulls (the server then does not push).
    return #vim.diagnostic.get(bufnr, { namespace = vim.lsp.diagnostic.get_namespace(new_client.id, true) }) == 2
  end)
end)

t.test('checkhealth_reports_server_and_version', function()
  vim.cmd('checkhealth pacto')
  local text = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
  t.contains(text, '- ✅ OK Neovim ' .. tostring(vim.version()), 'health')
  t.contains(text, ': pacto version ', 'health')
  if text:find('ERROR', 1, true) then
    error('health has an error: ' .. text)
  end
end)

--- Replaces vim.notify while `fn` runs and returns what was notified, as `{ message, level }` rows.
local function notifications(fn)
  local seen, notify = {}, vim.notify
  vim.notify = function(message, level)
    table.insert(seen, { message, level })
  end
  local ok, err = pcall(fn)
  vim.notify = notify
  assert(ok, err)
  return seen
end

t.test('diff_and_graph_reject_unknown_arguments', function()
  t.open('valid/pacto.yaml')
  local E = vim.log.levels.ERROR
  t.eq(
    { { 'pacto: unknown diff side "main": use one of published, head', E } },
    notifications(function()
      vim.cmd('PactoDiff main')
    end),
    'PactoDiff main'
  )
  t.eq(
    { { 'pacto: unknown graph format "dot": use one of mermaid, text', E } },
    notifications(function()
      vim.cmd('PactoGraph dot')
    end),
    'PactoGraph dot'
  )
  t.eq({ 'head' }, vim.fn.getcompletion('PactoDiff h', 'cmdline'), 'PactoDiff completion')
  t.eq({ 'mermaid', 'text' }, vim.fn.getcompletion('PactoGraph ', 'cmdline'), 'PactoGraph completion')
  t.eq(1, #vim.api.nvim_list_wins(), 'no split opened')
end)

--- Runs `run` and returns the data of the `User <pattern>` event it fires.
local function wait_user_event(pattern, run)
  local data
  vim.api.nvim_create_autocmd('User', {
    pattern = pattern,
    once = true,
    callback = function(args)
      data = args.data
    end,
  })
  run()
  return t.wait_for(pattern, function()
    return data
  end)
end

t.test('pacto_graph_text_and_mermaid', function()
  local bufnr = t.open('valid/pacto.yaml')
  local text = wait_user_event('PactoGraphDone', function()
    vim.cmd('PactoGraph text')
  end)
  t.eq({ 'demo@0.1.0' }, vim.api.nvim_buf_get_lines(text.bufnr, 0, -1, false), 'text tree')
  t.eq('text', vim.bo[text.bufnr].filetype, 'text filetype')
  vim.api.nvim_set_current_win(vim.fn.bufwinid(bufnr))
  local mermaid = wait_user_event('PactoGraphDone', function()
    vim.cmd('PactoGraph')
  end)
  t.eq('graph TD', vim.api.nvim_buf_get_lines(mermaid.bufnr, 0, 1, false)[1], 'mermaid first line')
  t.eq('mermaid', vim.bo[mermaid.bufnr].filetype, 'mermaid filetype')
  t.eq('pacto-graph://' .. t.path('valid/pacto.yaml') .. '.mermaid', vim.api.nvim_buf_get_name(mermaid.bufnr), 'name')
end)

t.test('code_lenses_refresh_on_attach_and_edits', function()
  local bufnr = t.open('valid/pacto.yaml')
  local events = vim.tbl_map(function(it)
    return it.event
  end, vim.api.nvim_get_autocmds({ group = 'pacto.codelens.' .. bufnr }))
  table.sort(events)
  t.eq({ 'BufEnter', 'InsertLeave', 'TextChanged' }, events, 'refresh events')
  vim.cmd.edit(vim.fn.fnameescape(t.path('other.yaml')))
  t.eq(
    0,
    #vim.api.nvim_get_autocmds({ group = 'pacto.codelens.' .. bufnr, buffer = vim.api.nvim_get_current_buf() }),
    'other YAML'
  )
end)

t.test('health_registries_from_settings', function()
  local health = require('pacto.health')
  t.eq(
    {
      { host = '127.0.0.1:5000', insecure = true },
      { host = 'registry.example.com', insecure = false },
    },
    health.registries({
      publish = {
        repository = {
          ['a/**'] = 'oci://registry.example.com/team/a',
          ['b/**'] = 'oci://127.0.0.1:5000/team/b',
          ['c/**'] = 'ghcr.io/not-an-oci-ref',
        },
      },
      registry = { insecure = { '127.0.0.1:5000' } },
    }),
    'registries'
  )
  t.eq({}, health.registries({}), 'no settings')
end)

--- A loopback server that answers every request with `status`, as a registry's `GET /v2/` does; returns its port.
local function fake_registry(status)
  local server = assert(vim.uv.new_tcp())
  server:bind('127.0.0.1', 0)
  server:listen(8, function()
    local conn = assert(vim.uv.new_tcp())
    server:accept(conn)
    conn:read_start(function(_, data)
      if data and data:find('\r\n\r\n', 1, true) then
        conn:write(('HTTP/1.1 %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'):format(status), function()
          conn:close()
        end)
      end
    end)
  end)
  return server, server:getsockname().port
end

t.test('checkhealth_checks_registry_reachability', function()
  local _, client = t.open('valid/pacto.yaml')
  local server, port = fake_registry('401 Unauthorized')
  local saved = client.settings
  -- 127.0.0.1:9 is the discard port: nothing listens there, so the connection is refused at once.
  client.settings = {
    pacto = {
      publish = { repository = { ['**/pacto.yaml'] = ('oci://127.0.0.1:%d/team/demo'):format(port) } },
      registry = { insecure = { '127.0.0.1:' .. port, '127.0.0.1:9' } },
    },
  }
  local ok, err = pcall(vim.cmd, 'checkhealth pacto')
  client.settings = saved
  server:close()
  assert(ok, err)
  local lines = vim.api.nvim_buf_get_lines(0, 0, -1, false)
  local first = assert(
    vim.iter(ipairs(lines)):find(function(_, it)
      return it:find('pacto: registries', 1, true)
    end),
    'no registries section'
  )
  local section = vim.tbl_filter(function(it)
    return it:match('^%- ')
  end, vim.list_slice(lines, first + 1))
  t.eq(('- ✅ OK http://127.0.0.1:%d/v2/ answers (HTTP 401)'):format(port), section[1], 'live registry')
  t.contains(section[2], '- ⚠️ WARNING http://127.0.0.1:9/v2/ unreachable: curl: (7) ', 'refused registry')
end)
