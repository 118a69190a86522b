-- Headless Neovim session against the real server: attach through editors/neovim/codelsp.lua (the set-up that
-- docs/editors.md documents), type into a C# buffer, ask for an inline completion at the cursor, show it, accept it,
-- list code actions. Neovim sends languageId "cs", declares no inline-completion capability, batches incremental
-- changes into one didChange and numbers versions by changedtick (not consecutively): what the server must cope with.
-- Environment: CODELSP_REPO, CODELSP_DLL, CODELSP_TEST_MODEL, CODELSP_TEST_FILE, CODELSP_TEST_LINE, CODELSP_TEST_TYPED.
local function env(name)
  local v = os.getenv(name)
  if not v or v == '' then error('missing ' .. name) end
  return v
end

local function log(msg) io.stderr:write('[nvim] ' .. msg .. '\n') end
local function fail(msg)
  log('FAIL: ' .. msg)
  vim.cmd('cquit 1')
end

local ok, err = pcall(function()
  local codelsp = dofile(env('CODELSP_REPO') .. '/editors/neovim/codelsp.lua')
  local line = tonumber(env('CODELSP_TEST_LINE'))
  local typed = env('CODELSP_TEST_TYPED')

  -- What the server receives, seen from the client side.
  local sent = { versions = {}, batches = {} }
  local original_notify
  codelsp.setup({
    cmd = { 'dotnet', env('CODELSP_DLL'), 'serve' },
    init_options = { modelPath = env('CODELSP_TEST_MODEL'), maxTokens = 16 },
  })
  vim.cmd('edit ' .. vim.fn.fnameescape(env('CODELSP_TEST_FILE')))
  local bufnr = vim.api.nvim_get_current_buf()
  if vim.bo.filetype ~= 'cs' then return fail('filetype is ' .. vim.bo.filetype .. ', not cs') end
  local client = codelsp.client()
  if not client then return fail('the FileType autocmd did not start codelsp') end
  if not vim.wait(30000, function() return client.initialized end, 50) then return fail('initialize did not finish in 30 s') end
  log('initialized; server capabilities: inlineCompletionProvider=' .. tostring(client.server_capabilities.inlineCompletionProvider ~= nil))

  original_notify = client.notify
  client.notify = function(method, params)
    if method == 'textDocument/didChange' then
      table.insert(sent.versions, params.textDocument.version)
      table.insert(sent.batches, #params.contentChanges)
    end
    return original_notify(method, params)
  end

  -- Type on the body line of Reset(): one keystroke at a time, as a user would.
  vim.api.nvim_buf_set_lines(bufnr, line - 1, line, true, { '' })
  vim.api.nvim_win_set_cursor(0, { line, 0 })
  vim.api.nvim_feedkeys('A' .. typed, 'xt', false)
  local typed_line = vim.api.nvim_buf_get_lines(bufnr, line - 1, line, true)[1]
  if typed_line ~= typed then return fail('the buffer line is ' .. vim.inspect(typed_line)) end

  -- Ask until the model has loaded (it loads in the background after initialize).
  local item
  local deadline = vim.loop.hrtime() + 90e9
  while not item and vim.loop.hrtime() < deadline do
    local answered, request_err = false, nil
    codelsp.suggest(line - 1, #typed, function(e, it)
      answered, request_err, item = true, e, it
    end)
    if not vim.wait(20000, function() return answered end, 20) then return fail('inlineCompletion got no answer in 20 s') end
    if request_err then return fail('inlineCompletion failed: ' .. vim.inspect(request_err)) end
    if not item then vim.wait(250) end
  end
  if not item then return fail('no inline completion item within 90 s') end
  local text = type(item.insertText) == 'table' and item.insertText.value or item.insertText
  log('inline completion item: ' .. vim.inspect(text))
  log('didChange notifications: versions ' .. table.concat(sent.versions, ',') .. '; changes per notification ' .. table.concat(sent.batches, ','))
  if #sent.versions == 0 then return fail('no didChange was sent') end
  local batched = false
  for _, n in ipairs(sent.batches) do if n > 1 then batched = true end end
  if not batched then return fail('expected Neovim to batch several changes into one didChange') end

  -- Shown as virtual text, then accepted into the buffer.
  local marks = vim.api.nvim_buf_get_extmarks(bufnr, vim.api.nvim_create_namespace('codelsp-inline'), 0, -1, {})
  if #marks ~= 1 then return fail('expected one extmark for the suggestion, found ' .. #marks) end
  if not codelsp.accept() then return fail('accept found nothing to accept') end
  local after = table.concat(vim.api.nvim_buf_get_lines(bufnr, line - 1, -1, true), '\n')
  if after:sub(1, #typed + #text) ~= typed .. text then
    return fail('after accepting, the buffer reads ' .. vim.inspect(after:sub(1, 200)))
  end
  log('accepted: ' .. vim.inspect(vim.api.nvim_buf_get_lines(bufnr, line - 1, line, true)[1]))

  -- Code actions on the method Increment (line 7): whatever the server offers must agree with what it advertised.
  local decl = vim.api.nvim_buf_get_lines(bufnr, 6, 7, true)[1]
  local name_at = decl:find('Increment', 1, true)
  if not name_at then return fail('line 7 is not the Increment declaration: ' .. decl) end
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = { start = { line = 6, character = name_at - 1 }, ['end'] = { line = 6, character = name_at - 1 } },
    context = { diagnostics = {} },
  }
  local response = client.request_sync('textDocument/codeAction', params, 20000, bufnr)
  if not response then return fail('codeAction got no answer in 20 s') end
  if client.server_capabilities.codeActionProvider then
    if response.err then return fail('codeAction failed: ' .. vim.inspect(response.err)) end
    local titles = {}
    for _, action in ipairs(response.result or {}) do titles[#titles + 1] = action.title end
    log('code actions: ' .. #titles .. (#titles > 0 and (' — ' .. table.concat(titles, '; ')) or ''))
    for _, action in ipairs(response.result or {}) do
      if type(action.title) ~= 'string' or action.title == '' then return fail('a code action without a title: ' .. vim.inspect(action)) end
    end
  else
    if not (response.err and response.err.code == -32601) then
      return fail('the server advertises no code actions but answered ' .. vim.inspect(response))
    end
    log('code actions: the server advertises none and answers MethodNotFound')
  end

  -- Shut down cleanly: shutdown, exit, process gone.
  client.stop()
  if not vim.wait(10000, function() return client.is_stopped() end, 50) then return fail('the server did not stop in 10 s') end
  log('PASS')
  vim.cmd('qall!')
end)
if not ok then fail(tostring(err)) end
