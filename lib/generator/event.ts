// Turns a draw (who, where, when, how much) into a complete, valid transaction event.
import { type Rng, chance, uniform, uuid4, weighted } from '../random.ts';
import type { Transaction } from '../schema.ts';
import { commission, vat } from './money.ts';
import type { DeviceInfo, PaymentMethod } from './types.ts';
import type { City, Customer, Merchant } from './world.ts';

export type Draw = {
  customer: Customer;
  merchant: Merchant;
  timeMs: number;
  amount: number;
  device: DeviceInfo;
  city: City;
  method: PaymentMethod;
};

const FAILURE_WEIGHTS = [
  ['insufficient_funds', 45],
  ['limit_exceeded', 15],
  ['incorrect_pin', 15],
  ['card_expired', 10],
  ['issuer_unavailable', 10],
  ['suspected_fraud', 5],
] as const;
const RISK_WEIGHTS = [
  [1, 40],
  [2, 30],
  [3, 15],
  [4, 10],
  [5, 5],
] as const;

/** Jitter around a city centre: about ±5 km, so locations look real but stay in town. */
const jitter = (rng: Rng, x: number) => Math.round((x + uniform(rng, -0.05, 0.05)) * 1e4) / 1e4;

export function makeTransaction(rng: Rng, d: Draw, declinedRate: number): Transaction {
  const amount = Math.max(1, Math.round(d.amount));
  const commissionAmount = commission(d.merchant.commission, amount);
  const vatAmount = vat(amount);
  const declined = chance(rng, declinedRate);
  return {
    transaction_id: uuid4(rng),
    timestamp: new Date(d.timeMs).toISOString(),
    customer_id: d.customer.id,
    merchant_id: d.merchant.id,
    merchant_category: d.merchant.category,
    payment_method: d.method,
    amount,
    location: { lat: jitter(rng, d.city.lat), lng: jitter(rng, d.city.lng) },
    device_info: d.device,
    status: declined ? 'declined' : 'approved',
    commission_type: d.merchant.commission,
    commission_amount: commissionAmount,
    vat_amount: vatAmount,
    total_amount: amount + commissionAmount + vatAmount,
    customer_type: d.customer.type,
    risk_level: weighted(rng, RISK_WEIGHTS),
    failure_reason: declined ? weighted(rng, FAILURE_WEIGHTS) : null,
  };
}
