-- `:checkhealth pacto`: the Neovim version, the server binary the `pacto` config would start, and whether the
-- registries named in the settings answer.
local M = {}

local VERSION_TIMEOUT_MS = 5000
-- A registry that has not answered `GET /v2/` within this is reported unreachable; health must stay quick.
M.REGISTRY_TIMEOUT_S = 3

--- The `pacto` settings of the running clients (one per repository: each may name its own registries) merged, else
--- of the config: every registry any of them names, and `offline` only when all are.
---@return table
local function settings()
  local all = {}
  for _, client in ipairs(vim.lsp.get_clients({ name = 'pacto' })) do
    local pacto = vim.tbl_get(client.settings or {}, 'pacto')
    table.insert(all, type(pacto) == 'table' and pacto or {})
  end
  if #all == 0 then
    local pacto = vim.tbl_get(vim.lsp.config.pacto or {}, 'settings', 'pacto')
    return type(pacto) == 'table' and pacto or {}
  end
  local merged = { registry = { insecure = {} }, publish = { repository = {} }, offline = true }
  for _, pacto in ipairs(all) do
    vim.list_extend(merged.registry.insecure, vim.tbl_get(pacto, 'registry', 'insecure') or {})
    for _, repository in pairs(vim.tbl_get(pacto, 'publish', 'repository') or {}) do
      table.insert(merged.publish.repository, repository)
    end
    merged.offline = merged.offline and pacto.offline == true
  end
  return merged
end

--- The registries the settings name: the hosts of `publish.repository` and `registry.insecure`, sorted, each
--- with whether it is reached over plain HTTP.
---@param pacto table the `pacto` settings
---@return { host: string, insecure: boolean }[]
function M.registries(pacto)
  local insecure, hosts = {}, {}
  for _, host in ipairs(vim.tbl_get(pacto, 'registry', 'insecure') or {}) do
    insecure[host] = true
    hosts[host] = true
  end
  for _, repository in pairs(vim.tbl_get(pacto, 'publish', 'repository') or {}) do
    local host = type(repository) == 'string' and repository:match('^oci://([^/]+)/')
    if host then
      hosts[host] = true
    end
  end
  local list = {}
  for host in pairs(hosts) do
    table.insert(list, { host = host, insecure = insecure[host] == true })
  end
  table.sort(list, function(a, b)
    return a.host < b.host
  end)
  return list
end

--- `GET /v2/` on every registry at once, with curl; 200 and 401 (log in first) mean the registry is there.
local function check_registries(pacto)
  local registries = M.registries(pacto)
  if #registries == 0 then
    vim.health.info('no registry in the settings (`publish.repository`, `registry.insecure`)')
    return
  end
  if pacto.offline == true then
    vim.health.info('offline = true: registries not checked')
    return
  end
  if vim.fn.executable('curl') == 0 then
    vim.health.warn('curl not found: registries not checked')
    return
  end
  local runs = {}
  for _, registry in ipairs(registries) do
    local url = (registry.insecure and 'http://' or 'https://') .. registry.host .. '/v2/'
    local cmd =
      { 'curl', '-sS', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', tostring(M.REGISTRY_TIMEOUT_S), url }
    table.insert(runs, { url = url, process = vim.system(cmd, { text = true }) })
  end
  for _, run in ipairs(runs) do
    local res = run.process:wait((M.REGISTRY_TIMEOUT_S + 2) * 1000)
    local status = vim.trim(res.stdout or '')
    if res.code == 0 and (status == '200' or status == '401') then
      vim.health.ok(string.format('%s answers (HTTP %s)', run.url, status))
    elseif res.code == 0 then
      vim.health.warn(string.format('%s answers HTTP %s, not a registry API', run.url, status))
    else
      local why = vim.trim(res.stderr or '') ~= '' and vim.trim(res.stderr) or ('curl exit ' .. res.code)
      vim.health.warn(string.format('%s unreachable: %s', run.url, why), {
        'Check the host in `publish.repository`, the network, or set `offline = true`',
      })
    end
  end
end

function M.check()
  vim.health.start('pacto')

  if vim.fn.has('nvim-0.11') == 1 then
    vim.health.ok('Neovim ' .. tostring(vim.version()))
  else
    vim.health.error('Neovim ' .. tostring(vim.version()) .. ' is too old', { 'pacto needs Neovim 0.11 or newer' })
  end

  local binary = require('pacto.commands').server_binary(vim.lsp.get_clients({ name = 'pacto' })[1])
  local path = vim.fn.exepath(binary)
  if path == '' then
    vim.health.error(string.format('`%s` not found (from the `cmd` of the `pacto` LSP config)', binary), {
      'Install it: cargo install --path server/cli (in a pacto checkout)',
      "Or point the config at it: vim.lsp.config('pacto', { cmd = { '/path/to/pacto', 'lsp' } })",
    })
    return
  end
  local ok, res = pcall(function()
    return vim.system({ path, 'version' }, { text = true }):wait(VERSION_TIMEOUT_MS)
  end)
  if ok and res.code == 0 then
    vim.health.ok(string.format('%s: %s', path, vim.trim(res.stdout)))
  else
    local why = ok and string.format('exit %d %s', res.code, vim.trim(res.stderr or '')) or tostring(res)
    vim.health.error(string.format('`%s version` failed: %s', path, why), { 'Is it the pacto binary? Reinstall it' })
  end

  if vim.lsp.config.pacto == nil then
    vim.health.warn('no `pacto` LSP config found', { 'Add editors/nvim to the runtimepath' })
  end
  if #vim.lsp.get_clients({ name = 'pacto' }) == 0 then
    vim.health.info("no pacto client running: enable it with vim.lsp.enable('pacto') and open a pacto.yaml")
  end

  vim.health.start('pacto: registries')
  check_registries(settings())
end

return M
