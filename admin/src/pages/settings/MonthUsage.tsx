// This month's model use and what it costs, under the limits that keep it in
// check. For owners and platform admins only: the API refuses it to staff.
import { LoadingOrError } from '../../components/Loading';
import { useApiData } from '../../components/useApiData';
import type { MonthUsageView } from '../../types';
import { costWords, dollars, monthName, tokenCount } from '../../usage-words';

export function MonthUsage({ businessId }: { businessId: string }) {
  const resource = useApiData<{ usage: MonthUsageView }>(`/businesses/${businessId}/usage`);
  const usage = resource.data?.usage;
  return (
    <section aria-labelledby="month-usage-heading" className="month-usage">
      <h3 id="month-usage-heading">AI use this month</h3>
      {!usage ? (
        <LoadingOrError resource={resource} />
      ) : usage.calls === 0 ? (
        <p>No AI use in {monthName(usage.month)} yet.</p>
      ) : (
        <>
          <p>
            {monthName(usage.month)}: <strong>{tokenCount(usage.totalTokens)} tokens</strong> in {tokenCount(usage.calls)}{' '}
            {usage.calls === 1 ? 'call' : 'calls'} to the AI model, <strong>{costWords(usage)}</strong>.
          </p>
          {(usage.models.length > 1 || usage.unpricedModels.length > 0) && (
            <table className="stacking">
              <thead>
                <tr>
                  <th scope="col">Model</th>
                  <th scope="col">Calls</th>
                  <th scope="col">Tokens read</th>
                  <th scope="col">Tokens written</th>
                  <th scope="col">Cost</th>
                </tr>
              </thead>
              <tbody>
                {usage.models.map((m) => (
                  <tr key={m.model}>
                    <td data-label="Model">{m.model}</td>
                    <td data-label="Calls">{tokenCount(m.calls)}</td>
                    <td data-label="Tokens read">{tokenCount(m.promptTokens)}</td>
                    <td data-label="Tokens written">{tokenCount(m.completionTokens)}</td>
                    <td data-label="Cost">{m.costUsd === null ? 'No price' : dollars(m.costUsd)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <p className="hint">
            The month as it runs in {usage.timeZone}. Cost at the AI provider’s list prices in US dollars; a model with no price is named, never counted as
            free.
          </p>
        </>
      )}
    </section>
  );
}
