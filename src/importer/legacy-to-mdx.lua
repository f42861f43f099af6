-- Pandoc filter: a legacy DocBook / reStructuredText document → a Starlight MDX page body
-- (written with `-t gfm`). Run by import.ts; the page's frontmatter is added there.
--  * admonitions (note, tip, warning, …) → Starlight asides  :::note[Title] … :::
--  * code blocks → fenced blocks marked `norun` (legacy samples, never installer steps)
--  * table cells → one line each, so every table stays a Markdown pipe table
--  * { } < > in text → escaped, because MDX reads them as expressions and tags
--  * the document title → metadata (the page title); headings start at level 2

local ASIDE = {
  note = 'note', seealso = 'note', admonition = 'note',
  tip = 'tip', hint = 'tip',
  important = 'caution', attention = 'caution', caution = 'caution', warning = 'caution',
  danger = 'danger', error = 'danger',
}

local function escape_mdx(text)
  return (text:gsub('([\\{}<>])', '\\%1'))
end

local function aside_kind(el)
  for _, class in ipairs(el.classes) do
    if ASIDE[class] then return ASIDE[class], class end
  end
end

function Str(el)
  if el.text:find('[{}<>]') then return pandoc.RawInline('markdown', escape_mdx(el.text)) end
end

function Div(el)
  local kind, class = aside_kind(el)
  if not kind then return nil end
  local title = nil
  local body = {}
  for index, block in ipairs(el.content) do
    -- RST's generic `.. admonition:: Title` puts its title in the first paragraph.
    if class == 'admonition' and index == 1 and block.t == 'Para' and #el.content > 1 then
      title = pandoc.utils.stringify(block)
    elseif block.t == 'Div' and block.classes:includes('title') then
      title = pandoc.utils.stringify(block)
    else
      table.insert(body, block)
    end
  end
  -- The reader's own word for the kind ("Note", "Warning") is not a title worth keeping.
  if title and title:lower() == class:lower() then title = nil end
  local open = ':::' .. kind
  if title and title ~= '' then open = open .. '[' .. title:gsub('[%[%]]', '') .. ']' end
  local out = { pandoc.RawBlock('markdown', '\n' .. open) }
  for _, block in ipairs(body) do table.insert(out, block) end
  table.insert(out, pandoc.RawBlock('markdown', ':::\n'))
  return out
end

function CodeBlock(el)
  local lang = el.classes[1] or 'text'
  local longest = 2
  for ticks in el.text:gmatch('`+') do longest = math.max(longest, #ticks) end
  local fence = string.rep('`', longest + 1)
  return pandoc.RawBlock('markdown', '\n' .. fence .. lang .. ' norun\n' .. el.text .. '\n' .. fence .. '\n')
end

-- A cell holding several blocks becomes one plain line, so the writer keeps a pipe table.
local function flatten_cell(cell)
  if #cell.contents > 1 or (cell.contents[1] and cell.contents[1].t ~= 'Plain' and cell.contents[1].t ~= 'Para') then
    local parts = {}
    for _, block in ipairs(cell.contents) do table.insert(parts, pandoc.utils.stringify(block)) end
    cell.contents = { pandoc.Plain({ pandoc.Str(table.concat(parts, ' ')) }) }
  end
  return cell
end

local function flatten_rows(rows)
  for _, row in ipairs(rows) do
    for i, cell in ipairs(row.cells) do row.cells[i] = flatten_cell(cell) end
  end
end

function Table(tbl)
  flatten_rows(tbl.head.rows)
  for _, body in ipairs(tbl.bodies) do
    flatten_rows(body.head)
    flatten_rows(body.body)
  end
  flatten_rows(tbl.foot.rows)
  -- Column widths would make the writer fall back to an HTML table.
  for i, spec in ipairs(tbl.colspecs) do tbl.colspecs[i] = { spec[1], nil } end
  return tbl
end

-- Raw markup of the source format (DocBook processing instructions, RST raw directives) has no place in MDX.
function RawBlock(el)
  if el.format ~= 'markdown' then return {} end
end

function RawInline(el)
  if el.format ~= 'markdown' then return {} end
end

-- The heading anchors the site generates (github-slugger, as Starlight): lower case, punctuation
-- dropped, spaces to hyphens.
local function site_slug(text)
  return (text:lower():gsub('[^%w%s%-_]', ''):gsub('%s', '-'))
end

-- Cross-references (`<xref linkend>`, RST `:ref:`) point at the source's ids; the site's
-- headings get ids from their text, so each link is pointed at the heading's new id.
local function retarget_links(blocks)
  local new_id = {}
  blocks:walk({ Header = function(h) if h.identifier ~= '' then new_id[h.identifier] = site_slug(pandoc.utils.stringify(h)) end end })
  return blocks:walk({
    Link = function(link)
      local id = link.target:match('^#(.+)$')
      if id and new_id[id] then link.target = '#' .. new_id[id] end
      return link
    end,
  })
end

function Pandoc(doc)
  local blocks = retarget_links(doc.blocks)
  local title = doc.meta.title and pandoc.utils.stringify(doc.meta.title) or nil
  if not title and blocks[1] and blocks[1].t == 'Header' and blocks[1].level == 1 then
    title = pandoc.utils.stringify(blocks[1])
    table.remove(blocks, 1)
  end
  local top = 99
  for _, block in ipairs(blocks) do
    if block.t == 'Header' and block.level < top then top = block.level end
  end
  local shift = (top == 99) and 0 or (2 - top)
  blocks = blocks:walk({ Header = function(h) h.level = math.min(6, h.level + shift); return h end })
  local meta = doc.meta
  meta['import-title'] = title or ''
  local abstract = doc.meta.abstract and pandoc.utils.stringify(doc.meta.abstract) or ''
  meta['import-description'] = abstract
  return pandoc.Pandoc(blocks, meta)
end
