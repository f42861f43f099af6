-- pandoc filter for the book (HTML for the PDF, EPUB): every code block becomes
--   <pre class="rb-code [output|norun]"><code><span class="rb-line" style="--rb-indent:Nch">…</span>…</code></pre>
-- one span per line, its leading spaces turned into an indent, so book-style.ts can wrap long
-- lines with the indent kept and a continuation mark, in Chromium's print and in e-readers alike.
-- (pandoc's own highlighting sets `white-space: pre` on code, which clips long commands in EPUB.)

local function escape(text)
  return (text:gsub('&', '&amp;'):gsub('<', '&lt;'):gsub('>', '&gt;'))
end

function CodeBlock(block)
  local lines = {}
  for line in (block.text .. '\n'):gmatch('(.-)\n') do
    local indent = #line:match('^ *')
    local body = line:sub(indent + 1)
    if body == '' then body = ' ' end
    -- The newline stays inside the line's span: readers without CSS still see one command a line.
    table.insert(lines, string.format('<span class="rb-line" style="--rb-indent:%dch">%s\n</span>', indent, escape(body)))
  end
  local classes = { 'rb-code' }
  for _, class in ipairs(block.classes) do
    if class == 'output' or class == 'norun' then table.insert(classes, 'rb-' .. class) end
  end
  return pandoc.RawBlock('html', string.format('<pre class="%s"><code>%s</code></pre>', table.concat(classes, ' '), table.concat(lines, '')))
end
