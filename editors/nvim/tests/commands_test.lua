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
  t.eq({ 'PactoRestart', 'PactoValidateWorkspace' }, names, 'buffer commands')
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
