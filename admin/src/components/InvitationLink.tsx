// A new invitation's link, for the person who invited to pass on: no email is
// sent, and the link cannot be shown again (only its hash is stored).
import { useEffect, useId, useRef, useState } from 'react';
import { formatDateTime } from '../format';

export function InvitationLink({ email, link, expiresAt }: { email: string; link: string; expiresAt: string }) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const copyButton = useRef<HTMLButtonElement>(null);
  const [copied, setCopied] = useState<'copied' | 'selected'>();
  const url = new URL(link, window.location.origin).href;

  // Where the inviter's next step is: a keyboard or screen reader user lands on the button.
  useEffect(() => copyButton.current?.focus(), [url]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(url);
      setCopied('copied');
    } catch {
      // No clipboard (a page not served over HTTPS, or permission refused): select it for the person to copy.
      input.current?.select();
      setCopied('selected');
    }
  }

  return (
    <div className="card invitation-link">
      <p className="invitation-link-title">
        <strong>Invitation link for {email}</strong>
      </p>
      <label htmlFor={id}>Invitation link</label>
      <div className="copy-row">
        <input id={id} ref={input} readOnly value={url} onFocus={(e) => e.target.select()} spellCheck={false} />
        <button type="button" ref={copyButton} onClick={copy}>
          Copy link
        </button>
      </div>
      <p className="hint" role="status">
        {copied === 'copied' ? 'Copied.' : copied === 'selected' ? 'The link is selected: copy it with Ctrl+C (⌘C on a Mac), or long-press on a phone.' : ''}
      </p>
      <p>This link works once, for 7 days (until {formatDateTime(expiresAt)}). No email is sent: pass it on yourself, for example in a WhatsApp message.</p>
    </div>
  );
}
