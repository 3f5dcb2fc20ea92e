// Reading and saving a business's booking settings, and the audit log that
// records who changed them.
import { formatAmount, type BookingSettings } from '../booking/settings';
import { recordAudit, type Actor } from './audit';
import { Prisma, type Database } from './client';

/** The settings as the console shows them: prices as money ("25.00"), services with their IDs. */
export interface SettingsView {
  openingHours: Record<string, Array<[string, string]>>;
  openingExceptions: Array<{ date: string; ranges: Array<[string, string]>; note?: string }>;
  services: Array<{ id: string; name: string; durationMinutes: number; price: string; currency: string }>;
  maxSimultaneousAppointments: number;
  bufferMinutes: number;
  minNoticeMinutes: number;
  maxDaysAhead: number;
  slotStepMinutes: number;
  replyQuietWindowMs: number;
  replyMaxWaitMs: number;
  handBackAfterMinutes: number;
  flagOutsideHours: boolean;
  customerTurnsPerMinute: number;
  customerTurnsPerDay: number;
  dailyTokenBudget: number;
  maxActiveAppointmentsPerCustomer: number;
  messageRetentionDays: number;
}

export async function loadSettings(db: Database, businessId: string): Promise<SettingsView | undefined> {
  const b = await db.business.findUnique({
    where: { id: businessId },
    include: { services: { where: { active: true }, orderBy: { name: 'asc' } } },
  });
  if (!b) return undefined;
  return {
    openingHours: b.openingHours as SettingsView['openingHours'],
    openingExceptions: b.openingExceptions as SettingsView['openingExceptions'],
    services: b.services.map((s) => ({
      id: s.id,
      name: s.name,
      durationMinutes: s.durationMinutes,
      price: formatAmount(s.priceCents, s.currency),
      currency: s.currency,
    })),
    maxSimultaneousAppointments: b.maxSimultaneousAppointments,
    bufferMinutes: b.bufferMinutes,
    minNoticeMinutes: b.minNoticeMinutes,
    maxDaysAhead: b.maxDaysAhead,
    slotStepMinutes: b.slotStepMinutes,
    replyQuietWindowMs: b.replyQuietWindowMs,
    replyMaxWaitMs: b.replyMaxWaitMs,
    handBackAfterMinutes: b.handBackAfterMinutes,
    flagOutsideHours: b.flagOutsideHours,
    customerTurnsPerMinute: b.customerTurnsPerMinute,
    customerTurnsPerDay: b.customerTurnsPerDay,
    dailyTokenBudget: b.dailyTokenBudget,
    maxActiveAppointmentsPerCustomer: b.maxActiveAppointmentsPerCustomer,
    messageRetentionDays: b.messageRetentionDays,
  };
}

export class ServiceNameTaken extends Error {}

/**
 * Saves validated settings in one transaction and records the change. Services
 * left out are retired (inactive), not deleted, so past appointments keep them.
 * The next message reads the new settings: nothing is cached across turns.
 */
export async function saveSettings(db: Database, businessId: string, settings: BookingSettings, actor: Actor): Promise<SettingsView> {
  try {
    return await db.$transaction(async (transaction) => {
      const tx = transaction as unknown as Database;
      const before = await loadSettings(tx, businessId);
      const { services, ...rules } = settings;
      await tx.business.update({ where: { id: businessId }, data: rules });
      const kept: string[] = [];
      for (const s of services) {
        const data = { name: s.name, durationMinutes: s.durationMinutes, priceCents: s.price, currency: s.currency, active: true };
        const existing = s.id
          ? await tx.service.findFirst({ where: { id: s.id, businessId }, select: { id: true } })
          : await tx.service.findUnique({ where: { businessId_name: { businessId, name: s.name } }, select: { id: true } });
        const saved = existing ? await tx.service.update({ where: { id: existing.id }, data }) : await tx.service.create({ data: { ...data, businessId } });
        kept.push(saved.id);
      }
      await tx.service.updateMany({ where: { businessId, id: { notIn: kept } }, data: { active: false } });
      const after = (await loadSettings(tx, businessId))!;
      await recordAudit(tx, { businessId, actor, action: 'settings.update', before, after });
      return after;
    });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') throw new ServiceNameTaken('Two services would have the same name.');
    throw err;
  }
}
