// The one vocabulary of failures: what each type means for a turn's outcome.
import { ActivityFailure, ApplicationFailure, RetryState, TimeoutFailure, TimeoutType } from '@temporalio/common';
import { describeFailure, failureSourceOf, failureTypeOf, FailureType, isModelFailure } from '../../src/failures';

const activityFailure = (activityType: string, cause: Error) =>
  new ActivityFailure('Activity task failed', activityType, 'id-1', RetryState.NON_RETRYABLE_FAILURE, 'worker', cause);

describe('failureSourceOf', () => {
  test.each([
    [FailureType.ModelRateLimited, 'callModel', 'model'],
    [FailureType.ModelRequestRefused, 'callModel', 'model'],
    [FailureType.CalendarAccessRefused, 'runTool', 'calendar'],
    // The type decides, not the step: a calendar refusal during a release is the calendar's.
    [FailureType.CalendarAccessRefused, 'releaseBooking', 'calendar'],
    [FailureType.CalendarRequestInvalid, 'runTool', 'calendar'],
    [FailureType.CalendarUnavailable, 'releaseBooking', 'calendar'],
    [FailureType.WhatsAppSendRefused, 'sendReply', 'whatsapp'],
    [FailureType.RecipientUnknown, 'sendReply', 'whatsapp'],
  ])('%s from %s belongs to the %s', (type, activity, source) => {
    const err = activityFailure(activity, ApplicationFailure.create({ message: 'x', type }));
    expect(failureTypeOf(err)).toBe(type);
    expect(failureSourceOf(err)).toBe(source);
    expect(isModelFailure(err)).toBe(source === 'model');
  });

  test.each([
    ['callModel', 'model'],
    ['releaseBooking', 'calendar'],
    ['runTool', 'calendar'],
    ['sendReply', 'whatsapp'],
    ['loadConversation', 'database'],
  ])('a failure with no type of ours (a timeout) from %s belongs to the %s', (activity, source) => {
    const err = activityFailure(activity, new TimeoutFailure('timed out', undefined, TimeoutType.START_TO_CLOSE));
    expect(failureTypeOf(err)).toBeUndefined();
    expect(failureSourceOf(err)).toBe(source);
  });

  test('a type that is not ours is not read as one', () => {
    const err = activityFailure('callModel', ApplicationFailure.create({ message: 'x', type: 'constructor' }));
    expect(failureTypeOf(err)).toBeUndefined();
    expect(failureSourceOf(err)).toBe('model');
  });

  test("a local activity's failure arrives unwrapped and is still classified", () => {
    expect(failureSourceOf(ApplicationFailure.create({ message: 'x', type: FailureType.WhatsAppSendRefused }))).toBe('whatsapp');
  });
});

test('describeFailure names the type and message', () => {
  expect(describeFailure(activityFailure('sendReply', ApplicationFailure.create({ message: 'window closed', type: FailureType.WhatsAppSendRefused })))).toBe(
    'WhatsAppSendRefused: window closed',
  );
  expect(describeFailure(activityFailure('callModel', new TimeoutFailure('timed out', undefined, TimeoutType.START_TO_CLOSE)))).toBe('timed out');
});
