// The check a turn makes before it calls the model: the customer's turns in the
// last minute and today against the business's limits, then the business's
// tokens today against its budget. Durable: everything is counted from the
// database, so a new conversation run, a retry or another worker counts the same.
import { log } from '@temporalio/activity';
import type { Database } from '../db/client';
import { currentCustomer } from '../db/customers';
import { claimLimitNotice, countedTurnsSince, loadBusinessLimits, setTokenBudgetFlag, tokensUsedSince } from '../db/usage';
import { budgetFlagChange, exceededWindow, limitWindows } from '../limit-windows';
import type { LimitActivities } from '../workflows/activity-contracts';

export function createLimitActivities({ db }: { db: Database }): LimitActivities {
  return {
    async checkTurnLimits({ businessId, customerId, atMs }) {
      const at = new Date(atMs);
      // Turns are recorded on the row a merged customer now lives in.
      const [business, customer] = await Promise.all([loadBusinessLimits(db, businessId), currentCustomer(db, customerId)]);
      const windows = limitWindows(at, business.timeZone);
      const [lastMinute, today] = await Promise.all([
        countedTurnsSince(db, customer.id, windows.minuteStart),
        countedTurnsSince(db, customer.id, windows.dayStart),
      ]);
      const window = exceededWindow({ lastMinute, today }, { perMinute: business.customerTurnsPerMinute, perDay: business.customerTurnsPerDay });
      if (window) {
        const notify = await claimLimitNotice(db, customer.id, at);
        log.info('Customer turn limit reached; not calling the model', { window, notify });
        return { kind: 'customer-limit', window, notify };
      }

      const used = await tokensUsedSince(db, businessId, windows.dayStart);
      const spent = used >= business.dailyTokenBudget;
      const change = budgetFlagChange(spent, business.tokenBudgetExceededAt, windows.dayStart);
      if (change !== 'keep') await setTokenBudgetFlag(db, businessId, change === 'set' ? at : null);
      if (change === 'set')
        log.warn("The business's daily model-token budget is spent; answering without the model", { used, budget: business.dailyTokenBudget });
      return spent ? { kind: 'budget-spent' } : { kind: 'allowed' };
    },
  };
}
