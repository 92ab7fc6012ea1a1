-- Several contracts at once, as people work: opened in a row, switched between, edited while hidden; one server per
-- git repository and one per bundle outside any repository.
local t = require('harness')

local N_SERVICES = 4

--- A contract whose one finding (`runtime.state.type`) is on line `1 + n_comments + 8` (1-based), so that each file's
--- finding sits elsewhere and a mix-up between buffers shows.
local function contract(name, n_comments)
  local lines = {}
  for idx = 1, n_comments do
    lines[#lines + 1] = '# padding ' .. idx
  end
  vim.list_extend(lines, {
    'pactoVersion: "1.0"',
    'service:',
    '  name: ' .. name,
    '  version: 1.0.0',
    'runtime:',
    '  workload: service',
    '  state:',
    '    type: invalid',
    '    persistence:',
    '      scope: local',
    '      durability: ephemeral',
    '    dataCriticality: low',
  })
  return lines
end

--- The 0-based line of the finding in `contract(_, n_comments)`.
local function finding_line(n_comments)
  return n_comments + 7
end

local function write(path, lines)
  vim.fn.mkdir(vim.fs.dirname(path), 'p')
  assert(vim.fn.writefile(lines, path) == 0, 'cannot write ' .. path)
end

--- A git repository (made by git itself) outside the project's own, with `N_SERVICES` contracts.
local function repository()
  local root = vim.fn.tempname() .. '-repo'
  vim.fn.mkdir(root, 'p')
  local res = vim.system({ 'git', 'init', '-q', root }):wait()
  assert(res.code == 0, 'git init failed: ' .. (res.stderr or ''))
  local paths = {}
  for idx = 1, N_SERVICES do
    local path = vim.fs.joinpath(root, 'services', 'svc-' .. idx, 'pacto.yaml')
    write(path, contract('svc-' .. idx, idx))
    paths[idx] = path
  end
  return vim.uv.fs_realpath(root), paths
end

--- `{ line, code }` of each diagnostic of `bufnr`, sorted.
local function findings(bufnr)
  local rows = vim.tbl_map(function(d)
    return { d.lnum, d.code }
  end, vim.diagnostic.get(bufnr))
  table.sort(rows, function(a, b)
    return a[1] < b[1]
  end)
  return rows
end

--- `:edit` each path one after another without waiting, as `:argdo` or a fuzzy finder does; returns the buffers.
local function edit_all(paths)
  local bufs = {}
  for idx, path in ipairs(paths) do
    vim.cmd.edit(vim.fn.fnameescape(path))
    bufs[idx] = vim.api.nvim_get_current_buf()
  end
  return bufs
end

local function pacto_clients()
  return vim.lsp.get_clients({ name = 'pacto' })
end

--- Waits until every buffer shows exactly its one finding, then a little longer: a late second copy (a push next
--- to a pull) must not appear.
local function expect_each_finding(bufs)
  for idx, bufnr in ipairs(bufs) do
    t.wait_for('the finding of svc-' .. idx, function()
      return #vim.diagnostic.get(bufnr) > 0
    end)
  end
  vim.wait(300)
  for idx, bufnr in ipairs(bufs) do
    t.eq({ { finding_line(idx), 'SCHEMA_VIOLATION' } }, findings(bufnr), 'findings of svc-' .. idx)
  end
end

t.test('workspace_contracts_opened_in_a_row_all_show_findings', function()
  local root, paths = repository()
  -- The server is still starting when the later ones open.
  local bufs = edit_all(paths)
  expect_each_finding(bufs)

  -- Switching back shows the same findings, still once each.
  vim.cmd.buffer(bufs[1])
  vim.wait(300)
  for idx, bufnr in ipairs(bufs) do
    t.eq({ { finding_line(idx), 'SCHEMA_VIOLATION' } }, findings(bufnr), 'after :buffer, svc-' .. idx)
  end

  -- One server for the repository, rooted at it, attached to all four.
  local in_repo = vim.tbl_filter(function(client)
    return client.root_dir == root
  end, pacto_clients())
  t.eq(1, #in_repo, 'clients rooted at the repository')
  for idx, bufnr in ipairs(bufs) do
    t.eq(true, in_repo[1].attached_buffers[bufnr] == true, 'svc-' .. idx .. ' attached to the repository client')
  end
  t.eq({ { uri = vim.uri_from_fname(root), name = root } }, in_repo[1].workspace_folders, 'workspace folders')
end)

t.test('workspace_hidden_contract_edited_follows', function()
  local _, paths = repository()
  local bufs = edit_all(paths)
  expect_each_finding(bufs)
  -- svc-1 is hidden now (svc-4 is shown): fix its finding as `:bufdo s/…/` would.
  local line = finding_line(1)
  t.eq(-1, vim.fn.bufwinid(bufs[1]), 'svc-1 hidden')
  vim.api.nvim_buf_set_lines(bufs[1], line, line + 1, true, { '    type: stateful' })
  -- A valid 1.0 contract gets the information hint on `pactoVersion` (line 1) suggesting the migration to 2.0.
  t.wait_for('the hidden contract to lose its finding', function()
    local rows = findings(bufs[1])
    return #rows > 0 and rows[1][2] == 'MIGRATION_AVAILABLE'
  end)
  t.eq({ 1, 'MIGRATION_AVAILABLE' }, findings(bufs[1])[1], 'the migration hint of the now valid svc-1')
  t.eq(
    {},
    vim.tbl_filter(function(d)
      return d.code == 'SCHEMA_VIOLATION'
    end, vim.diagnostic.get(bufs[1])),
    'no finding left on svc-1'
  )
  -- Breaking it again brings the finding back, once.
  vim.api.nvim_buf_set_lines(bufs[1], line, line + 1, true, { '    type: invalid' })
  t.wait_for('the finding to come back', function()
    return #vim.diagnostic.get(bufs[1]) > 0
  end)
  vim.wait(300)
  t.eq({ { line, 'SCHEMA_VIOLATION' } }, findings(bufs[1]), 'findings of svc-1')
end)

t.test('workspace_contract_outside_a_repository_gets_its_own_server', function()
  local root, paths = repository()
  local lone_dir = vim.fn.tempname() .. '-lone'
  local lone = vim.fs.joinpath(lone_dir, 'pacto.yaml')
  write(lone, contract('lone', 0))
  lone_dir = vim.uv.fs_realpath(lone_dir)

  vim.cmd.edit(vim.fn.fnameescape(paths[1]))
  local in_repo = vim.api.nvim_get_current_buf()
  vim.cmd.edit(vim.fn.fnameescape(lone))
  local outside = vim.api.nvim_get_current_buf()
  vim.cmd.edit(vim.fn.fnameescape(paths[2]))

  t.wait_for('a client for the lone bundle', function()
    return #vim.lsp.get_clients({ bufnr = outside, name = 'pacto' }) == 1
  end)
  local lone_client = vim.lsp.get_clients({ bufnr = outside, name = 'pacto' })[1]
  t.eq(lone_dir, lone_client.root_dir, 'root of the lone contract')
  local repo_client = vim.lsp.get_clients({ bufnr = in_repo, name = 'pacto' })[1]
  t.eq(root, repo_client.root_dir, 'root of the repository contracts')
  t.eq(false, lone_client.id == repo_client.id, 'two different servers')
  local n_repo_clients = #vim.tbl_filter(function(client)
    return client.root_dir == root
  end, pacto_clients())
  t.eq(1, n_repo_clients, 'clients rooted at the repository')
  t.wait_for('the lone finding', function()
    return #vim.diagnostic.get(outside) > 0
  end)
  t.eq({ { finding_line(0), 'SCHEMA_VIOLATION' } }, findings(outside), 'findings of the lone contract')
end)
