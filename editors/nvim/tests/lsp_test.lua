-- The pacto server through Neovim's own LSP client: diagnostics, hover, completion, definition, rename, quick fix.
local t = require('harness')

t.test('diagnostics_codes_and_positions', function()
  local bufnr = t.open('invalid/pacto.yaml')
  local E = vim.diagnostic.severity.ERROR
  -- Exactly two: one per fault, and not a second copy from a pull (see `on_init` in lsp/pacto.lua).
  vim.wait(500)
  t.eq({
    { 12, 10, 12, 18, E, 'SCHEMA_VIOLATION' },
    { 18, 15, 18, 19, E, 'HEALTH_INTERFACE_NOT_FOUND' },
  }, t.diagnostics(bufnr, 2), 'diagnostics')
end)

t.test('diagnostics_follow_edits', function()
  local bufnr = t.open('invalid/pacto.yaml')
  t.diagnostics(bufnr, 2)
  vim.api.nvim_buf_set_text(bufnr, 12, 10, 12, 18, { 'stateless' })
  local rows = t.wait_for('the schema violation to go', function()
    local rows = t.diagnostics(bufnr, 1)
    return #rows == 1 and rows
  end)
  t.eq({ { 18, 15, 18, 19, vim.diagnostic.severity.ERROR, 'HEALTH_INTERFACE_NOT_FOUND' } }, rows, 'diagnostics')
end)

t.test('hover_key_description', function()
  local bufnr = t.open('valid/pacto.yaml')
  local res = t.request(bufnr, 'textDocument/hover', t.position_params(bufnr, { line = 12, character = 5 }))
  t.eq('markdown', res.contents.kind, 'kind')
  t.contains(res.contents.value, '**`runtime.state.type`** · string · required', 'hover')
  t.contains(res.contents.value, 'Whether instances keep data between requests', 'hover')
  t.contains(res.contents.value, '- `stateless`: Keeps no data of its own', 'hover')
  t.eq({ start = { line = 12, character = 4 }, ['end'] = { line = 12, character = 8 } }, res.range, 'range')
end)

t.test('completion_enum_values', function()
  local bufnr, _, position = t.open_with_cursor(
    'completion/pacto.yaml',
    [[
pactoVersion: "1.0"
service:
  name: demo
  version: 0.1.0
runtime:
  state:
    type: $0
]]
  )
  local res = t.request(bufnr, 'textDocument/completion', t.position_params(bufnr, position))
  local labels = vim.tbl_map(function(it)
    return it.label
  end, res.items or res)
  table.sort(labels)
  t.eq({ 'hybrid', 'stateful', 'stateless' }, labels, 'labels')
end)

t.test('completion_missing_keys', function()
  local bufnr, _, position = t.open_with_cursor(
    'completion-keys/pacto.yaml',
    [[
pactoVersion: "1.0"
service:
  name: demo
  $0
]]
  )
  local res = t.request(bufnr, 'textDocument/completion', t.position_params(bufnr, position))
  local labels = vim.tbl_map(function(it)
    return it.label
  end, res.items or res)
  table.sort(labels)
  -- `name` is already there; the schema's other `service` keys remain.
  t.eq({ 'image', 'owner', 'version' }, labels, 'labels')
end)

t.test('definition_health_interface', function()
  t.open('valid/pacto.yaml')
  vim.api.nvim_win_set_cursor(0, { 19, 16 })
  vim.lsp.buf.definition()
  local cursor = t.wait_for('the jump', function()
    local cursor = vim.api.nvim_win_get_cursor(0)
    return cursor[1] ~= 19 and cursor
  end)
  t.eq({ 6, 10 }, cursor, 'cursor (1-based line, 0-based column)')
  t.eq('  - name: api', vim.api.nvim_get_current_line(), 'line')
end)

t.test('rename_interface_updates_health', function()
  local bufnr = t.open('valid/pacto.yaml')
  vim.api.nvim_win_set_cursor(0, { 6, 11 })
  vim.lsp.buf.rename('public-api')
  t.wait_for('the rename', function()
    return vim.api.nvim_buf_get_lines(bufnr, 5, 6, true)[1] ~= '  - name: api'
  end)
  t.eq({ '  - name: public-api' }, vim.api.nvim_buf_get_lines(bufnr, 5, 6, true), 'interface')
  t.eq({ '    interface: public-api' }, vim.api.nvim_buf_get_lines(bufnr, 18, 19, true), 'health.interface')
end)

t.test('code_action_replace_enum', function()
  local bufnr = t.open('invalid/pacto.yaml')
  t.diagnostics(bufnr, 2)
  vim.api.nvim_win_set_cursor(0, { 13, 12 })
  vim.lsp.buf.code_action({
    apply = true,
    filter = function(action)
      return action.title == 'Replace with `stateless`'
    end,
  })
  t.wait_for('the fix', function()
    return vim.api.nvim_buf_get_lines(bufnr, 12, 13, true)[1] ~= '    type: statelss'
  end)
  t.eq({ '    type: stateless' }, vim.api.nvim_buf_get_lines(bufnr, 12, 13, true), 'fixed line')
end)
