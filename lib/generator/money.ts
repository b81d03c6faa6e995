// Commission and VAT as a payment processor would charge them, in integer minor units.
import type { CommissionType } from './types.ts';

export const VAT_RATE = 0.09;

/** flat: 2 %; progressive: 1 % rising to 3 % at 2,000,000; tiered: 2.5 % / 1.5 % / 1 % by band. */
export function commission(type: CommissionType, amount: number): number {
  switch (type) {
    case 'flat':
      return Math.round(amount * 0.02);
    case 'progressive':
      return Math.round(amount * (0.01 + 0.02 * Math.min(1, amount / 2_000_000)));
    case 'tiered':
      return Math.round(amount * (amount < 200_000 ? 0.025 : amount < 1_000_000 ? 0.015 : 0.01));
  }
}

export const vat = (amount: number) => Math.round(amount * VAT_RATE);
