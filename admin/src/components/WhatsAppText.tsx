// A message in WhatsApp formatting, shown as WhatsApp shows it. Built from React
// elements (whatsapp-text.ts parses it), so the text is never read as HTML.
import { Fragment } from 'react';
import { parseWhatsApp, type Block, type Inline } from '../whatsapp-text';

export function WhatsAppText({ text }: { text: string }) {
  return (
    <div className="wa-text">
      {parseWhatsApp(text).map((block, i) => (
        <BlockView key={i} block={block} />
      ))}
    </div>
  );
}

function BlockView({ block }: { block: Block }) {
  switch (block.kind) {
    case 'paragraph':
      return <p>{lines(block.lines)}</p>;
    case 'quote':
      return <blockquote>{lines(block.lines)}</blockquote>;
    case 'pre':
      return <pre>{block.text}</pre>;
    case 'bullets':
      return (
        <ul>
          {block.items.map((item, i) => (
            <li key={i}>
              <Inlines nodes={item} />
            </li>
          ))}
        </ul>
      );
    case 'numbered':
      return (
        <ol start={block.start}>
          {block.items.map((item, i) => (
            <li key={i}>
              <Inlines nodes={item} />
            </li>
          ))}
        </ol>
      );
  }
}

function lines(all: Inline[][]) {
  return all.map((line, i) => (
    <Fragment key={i}>
      {i > 0 && <br />}
      <Inlines nodes={line} />
    </Fragment>
  ));
}

function Inlines({ nodes }: { nodes: Inline[] }) {
  return (
    <>
      {nodes.map((node, i) => {
        switch (node.kind) {
          case 'text':
            return <Fragment key={i}>{node.text}</Fragment>;
          case 'code':
            return <code key={i}>{node.text}</code>;
          case 'bold':
            return (
              <strong key={i}>
                <Inlines nodes={node.children} />
              </strong>
            );
          case 'italic':
            return (
              <em key={i}>
                <Inlines nodes={node.children} />
              </em>
            );
          case 'strike':
            return (
              <s key={i}>
                <Inlines nodes={node.children} />
              </s>
            );
        }
      })}
    </>
  );
}
