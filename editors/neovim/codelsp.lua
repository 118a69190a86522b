-- CodeLsp for Neovim 0.7 and later: starts `codelsp serve` for C# buffers and shows inline completions on demand.
--
--   require('codelsp').setup({
--     cmd = { 'codelsp', 'serve' },                      -- or { 'dotnet', '/path/to/codelsp.dll', 'serve' }
--     init_options = { modelPath = '/path/to/model.gguf', maxTokens = 64 },
--   })
--
-- Insert mode: <M-\> asks for a suggestion (shown as grey virtual text), <M-CR> accepts it, typing on hides it.
-- Code actions come through Neovim's own vim.lsp.buf.code_action().
-- Neovim has no inline-completion client yet; the server answers textDocument/inlineCompletion anyway, so this
-- file is the whole client: one request, one extmark, one edit.
local M = {}

local ns = vim.api.nvim_create_namespace('codelsp-inline')
local shown = {} -- bufnr -> { item, line, character }

M.config = {
  cmd = { 'codelsp', 'serve' },
  init_options = {},
  root_markers = { '*.sln', '*.slnx', '*.csproj', '.git' },
  keys = { suggest = '<M-\\>', accept = '<M-CR>' },
}

local function root_dir(bufnr)
  local dir = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(bufnr), ':p:h')
  local start = dir
  while dir and dir ~= '' do
    for _, marker in ipairs(M.config.root_markers) do
      if vim.fn.glob(dir .. '/' .. marker) ~= '' then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir then break end
    dir = parent
  end
  return start
end

function M.client()
  return M.client_id and vim.lsp.get_client_by_id(M.client_id) or nil
end

function M.attach(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  if not M.client() then
    M.client_id = vim.lsp.start_client({
      name = 'codelsp',
      cmd = M.config.cmd,
      root_dir = root_dir(bufnr),
      init_options = M.config.init_options,
      -- The same values again for workspace/configuration-style updates (section "codelsp").
      settings = { codelsp = M.config.init_options },
    })
  end
  vim.lsp.buf_attach_client(bufnr, M.client_id)
  vim.keymap.set('i', M.config.keys.suggest, function() M.suggest() end, { buffer = bufnr, desc = 'CodeLsp: suggest' })
  vim.keymap.set('i', M.config.keys.accept, function() M.accept() end, { buffer = bufnr, desc = 'CodeLsp: accept' })
  vim.api.nvim_create_autocmd({ 'TextChangedI', 'InsertLeave' }, { buffer = bufnr, callback = function() M.clear(bufnr) end })
  return M.client_id
end

function M.setup(opts)
  M.config = vim.tbl_deep_extend('force', M.config, opts or {})
  vim.api.nvim_create_autocmd('FileType', { pattern = 'cs', callback = function(args) M.attach(args.buf) end })
end

function M.clear(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  vim.api.nvim_buf_clear_namespace(bufnr, ns, 0, -1)
  shown[bufnr] = nil
end

local function text_of(item)
  local text = item.insertText
  if type(text) == 'table' then text = text.value end -- a StringValue snippet
  return text or ''
end

-- LSP positions count UTF-16 code units; Neovim columns count bytes.
local function cursor_position(bufnr)
  local row, col = unpack(vim.api.nvim_win_get_cursor(0))
  local line = vim.api.nvim_buf_get_lines(bufnr, row - 1, row, true)[1]
  local _, utf16 = vim.str_utfindex(line, col)
  return row - 1, utf16
end

function M.show(bufnr, line, character, item)
  M.clear(bufnr)
  local lines = vim.split(text_of(item), '\n', true)
  local text = vim.api.nvim_buf_get_lines(bufnr, line, line + 1, true)[1]
  local col = vim.str_byteindex(text, character, true)
  local extra = {}
  for i = 2, #lines do extra[#extra + 1] = { { lines[i], 'Comment' } } end
  vim.api.nvim_buf_set_extmark(bufnr, ns, line, col, {
    virt_text = { { lines[1], 'Comment' } },
    virt_text_pos = vim.fn.has('nvim-0.10') == 1 and 'inline' or 'eol',
    virt_lines = #extra > 0 and extra or nil,
  })
  shown[bufnr] = { item = item, line = line, character = character }
end

--- Asks for a suggestion at (line, character), 0-based LSP coordinates; default: the cursor. Shows the first item.
--- callback(err, item) is called when the answer is in (item nil: nothing to suggest).
function M.suggest(line, character, callback)
  local bufnr = vim.api.nvim_get_current_buf()
  local client = M.client()
  if not client then
    if callback then callback('codelsp is not running', nil) end
    return
  end
  if line == nil then line, character = cursor_position(bufnr) end
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = { line = line, character = character },
    context = { triggerKind = 1 }, -- Invoked: answered at once, no debounce
  }
  client.request('textDocument/inlineCompletion', params, function(err, result)
    local items = result and (result.items or result) or {}
    local item = (not err) and items[1] or nil
    if item and text_of(item) ~= '' then
      M.show(bufnr, line, character, item)
    else
      item = nil
    end
    if callback then callback(err, item) end
  end, bufnr)
end

--- Inserts the shown suggestion and tells the server (its statistics, and the prefetch of the next suggestion).
function M.accept()
  local bufnr = vim.api.nvim_get_current_buf()
  local s = shown[bufnr]
  if not s then return false end
  M.clear(bufnr)
  local item = s.item
  local start, finish = { line = s.line, character = s.character }, { line = s.line, character = s.character }
  if item.range then start, finish = item.range.start, item.range['end'] end
  vim.lsp.util.apply_text_edits({ { range = { start = start, ['end'] = finish }, newText = text_of(item) } }, bufnr, 'utf-16')
  local client = M.client()
  if item.command and client then
    client.request('workspace/executeCommand', { command = item.command.command, arguments = item.command.arguments }, function() end, bufnr)
  end
  return true
end

return M
