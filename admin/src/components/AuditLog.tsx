// An audit log, newest first, a page at a time (the API sends 100 and the ID
// to continue from): for each entry when, who, what, and the fields it changed.
import { useCallback, useEffect, useState } from 'react';
import { api, errorMessage } from '../api';
import { describeEntry } from '../audit-describe';
import { formatAgo, formatDateTime } from '../format';
import type { AuditEntry } from '../types';
import { Notice } from './forms';

interface AuditPage {
  entries: AuditEntry[];
  next: string | null;
}

/** `path`: the log's API address, e.g. /businesses/<id>/audit. */
export function AuditLog({ path, empty }: { path: string; empty: string }) {
  const [entries, setEntries] = useState<AuditEntry[]>();
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [problem, setProblem] = useState('');

  const load = useCallback(
    async (before: string | null, isCurrent: () => boolean = () => true) => {
      setLoading(true);
      setProblem('');
      try {
        const page = await api.get<AuditPage>(before ? `${path}?before=${encodeURIComponent(before)}` : path);
        if (!isCurrent()) return;
        setEntries((shown) => (before && shown ? [...shown, ...page.entries] : page.entries));
        setNext(page.next);
      } catch (err) {
        if (isCurrent()) setProblem(errorMessage(err));
      } finally {
        if (isCurrent()) setLoading(false);
      }
    },
    [path],
  );

  useEffect(() => {
    let current = true;
    setEntries(undefined);
    void load(null, () => current);
    // Another log opened before this one answered: its late answer is ignored.
    return () => {
      current = false;
    };
  }, [load]);

  if (!entries)
    return problem ? (
      <Notice kind="error">{problem}</Notice>
    ) : (
      <p className="loading" role="status">
        Loading…
      </p>
    );
  if (entries.length === 0) return <p className="muted">{empty}</p>;
  return (
    <>
      <ol className="audit-log">
        {entries.map((entry) => (
          <AuditItem key={entry.id} entry={entry} />
        ))}
      </ol>
      <Notice kind="error">{problem}</Notice>
      {next && (
        <button type="button" className="secondary" onClick={() => load(next)} disabled={loading}>
          {loading ? 'Loading…' : 'Show older entries'}
        </button>
      )}
    </>
  );
}

function AuditItem({ entry }: { entry: AuditEntry }) {
  const { title, subject, changes } = describeEntry(entry);
  return (
    <li className="card audit-entry">
      <p className="audit-what">
        <strong>{title}</strong>
        {subject && <span className="break"> · {subject}</span>}
      </p>
      <p className="muted audit-when">
        <time dateTime={entry.at} title={formatDateTime(entry.at)}>
          {formatDateTime(entry.at)}
        </time>{' '}
        ({formatAgo(entry.at)}) by <span className="break">{entry.by}</span>
      </p>
      {changes.length > 0 && (
        <table className="stacking audit-diff">
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Before</th>
              <th scope="col">After</th>
            </tr>
          </thead>
          <tbody>
            {changes.map((change, i) => (
              <tr key={i}>
                <th scope="row" data-label="Field">
                  {change.field}
                </th>
                <td data-label="Before">
                  <Value text={change.before} />
                </td>
                <td data-label="After">
                  <Value text={change.after} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </li>
  );
}

function Value({ text }: { text: string | undefined }) {
  return text === undefined ? <span className="muted">none</span> : <span className="audit-value">{text}</span>;
}
