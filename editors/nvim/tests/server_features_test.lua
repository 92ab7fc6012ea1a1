-- The server's diff and code lenses through the plugin: :PactoDiff (`pacto/diffDocument`) and the lenses of
-- `textDocument/codeLens`, on a bundle in a git repository (against HEAD: no registry needed).
local t = require('harness')

--- A bundle of its own in a git repository (outside the fixtures, which other tests search): the valid fixture,
--- committed, then its version bumped in the work tree. Returns the contract's path.
local function git_bundle(name)
  local dir = vim.fs.joinpath(assert(vim.env.PACTO_TEST_WORK), name)
  vim.fn.mkdir(dir, 'p')
  vim.system({ 'cp', '-r', t.path('valid') .. '/.', dir }):wait()
  local git = { 'git', '-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com' }
  for _, args in ipairs({ { 'init', '-q' }, { 'add', '.' }, { 'commit', '-q', '-m', 'v0.1.0' } }) do
    local res = vim.system(vim.list_extend(vim.deepcopy(git), args), { text = true }):wait()
    assert(res.code == 0, 'git ' .. args[1] .. ': ' .. (res.stderr or ''))
  end
  local contract = vim.fs.joinpath(dir, 'pacto.yaml')
  local text = table.concat(vim.fn.readfile(contract), '\n'):gsub('version: 0%.1%.0', 'version: 0.2.0', 1)
  vim.fn.writefile(vim.split(text, '\n'), contract)
  return contract
end

--- The lenses once the server has read HEAD and its workspace index has answered the "used by" lens, else nil.
local function settled_lenses(bufnr)
  local lenses = vim.lsp.codelens.get(bufnr)
  local titles = table.concat(
    vim.tbl_map(function(it)
      return it.command and it.command.title or ''
    end, lenses),
    '|'
  )
  return titles:find('vs git HEAD', 1, true) and not titles:find('indexing', 1, true) and lenses or nil
end

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

t.test('pacto_diff_head_shows_markdown_in_a_split', function()
  local contract = git_bundle('diff-head')
  local bufnr = t.open(contract)
  -- The server reads HEAD in the background and answers "no committed version" until it has: wait for its lens.
  t.wait_for('HEAD read by the server', function()
    return settled_lenses(bufnr)
  end)
  local done = wait_user_event('PactoDiffDone', function()
    vim.cmd('PactoDiff head')
  end)
  t.eq(2, #vim.api.nvim_list_wins(), 'a split')
  t.eq(done.bufnr, vim.api.nvim_get_current_buf(), 'the diff is the current buffer')
  t.eq('pacto-diff://' .. contract .. '.diff.md?against=head', vim.api.nvim_buf_get_name(done.bufnr), 'name')
  t.eq('markdown', vim.bo[done.bufnr].filetype, 'filetype')
  t.eq(false, vim.bo[done.bufnr].modifiable, 'read-only')
  local lines = vim.api.nvim_buf_get_lines(done.bufnr, 0, -1, false)
  -- Spec §3.11's Markdown shape.
  t.eq({ '## Contract Diff', '', '**Classification:** `NON_BREAKING`', '' }, vim.list_slice(lines, 1, 4), 'head')
  t.contains(
    table.concat(lines, '\n'),
    '| NON_BREAKING | `service.version` | modified | service.version modified | `0.1.0` | `0.2.0` |',
    'diff'
  )
  -- Asked again, the same buffer is refreshed rather than a second one opened.
  vim.api.nvim_set_current_win(vim.fn.bufwinid(bufnr))
  local again = wait_user_event('PactoDiffDone', function()
    vim.cmd('PactoDiff head')
  end)
  t.eq(done.bufnr, again.bufnr, 'same buffer')
  t.eq(2, #vim.api.nvim_list_wins(), 'still one split')
end)

t.test('code_lenses_shown_on_the_service_line', function()
  local contract = git_bundle('lens-head')
  local bufnr = t.open(contract)
  local uri = vim.uri_from_fname(contract)
  -- The HEAD lens comes once the server has read HEAD and asked for a refresh (see lsp/pacto.lua's handler).
  local lenses = t.wait_for('the lens against HEAD', function()
    return settled_lenses(bufnr)
  end)
  local rows = vim.tbl_map(function(it)
    return { it.range.start.line, it.command.title, it.command.command, it.command.arguments }
  end, lenses)
  t.eq({
    -- No publish repository in the settings or the contract.
    { 1, 'Set publish repository…', 'pacto.showDiff', { uri, 'published' } },
    -- The bumped version is the one change, a safe one.
    { 1, 'vs git HEAD: 0 breaking · 0 potential · 1 safe', 'pacto.showDiff', { uri, 'head' } },
    -- The repository is the workspace: no other contract depends on this one.
    { 1, 'used by 0 services', 'pacto.showReferences', { uri, { line = 2, character = 8 }, {} } },
  }, rows, 'lenses')
  -- Shown: Neovim draws the lenses as virtual text at the end of their line.
  local shown = t.wait_for('the lenses drawn', function()
    for _, mark in ipairs(vim.api.nvim_buf_get_extmarks(bufnr, -1, { 1, 0 }, { 1, -1 }, { details = true })) do
      local text = table.concat(vim.tbl_map(function(chunk)
        return chunk[1]
      end, mark[4].virt_text or {}))
      if text:find('used by 0', 1, true) then
        return text
      end
    end
  end)
  t.eq(
    'Set publish repository… | vs git HEAD: 0 breaking · 0 potential · 1 safe | used by 0 services',
    shown,
    'virtual text'
  )
end)
