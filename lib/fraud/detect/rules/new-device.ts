// New device with a high amount: a device this customer has not used before, once the customer has a
// history, paying at least `amountRatio` × their median. Weak alone (a new phone is common), strong
// next to impossible travel.
import type { Rule } from './types.ts';

export const newDevice: Rule = (past, tx, t) => {
  if (past.count < t.minHistory || past.knowsDevice(tx.deviceId)) return null;
  const median = past.median();
  if (median === undefined || tx.amount < t.newDevice.amountRatio * median) return null;
  return {
    rule: 'new_device',
    score: 0.35,
    reason: `first transaction from ${tx.deviceId} after ${past.count} from known devices, amount ${(tx.amount / median).toFixed(1)}× the median`,
  };
};
