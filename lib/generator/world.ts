// The customers and merchants a stream is made of. Built once from the seed (faker for the realistic
// bits, the seeded PRNG for the numbers), so the same seed always yields the same population.
import { Faker, en } from '@faker-js/faker';
import { type Rng, intBetween, logNormal, pick, seededRng, weighted } from '../random.ts';
import type { CommissionType, CustomerType, DeviceInfo, MerchantCategory, PaymentMethod } from './types.ts';

export type City = { name: string; lat: number; lng: number };

/** Where customers live (seed 004 is set in Iran) and, further away, where impossible travel jumps to. */
export const HOME_CITIES: readonly City[] = [
  { name: 'Tehran', lat: 35.6892, lng: 51.389 },
  { name: 'Mashhad', lat: 36.2605, lng: 59.6168 },
  { name: 'Isfahan', lat: 32.6546, lng: 51.668 },
  { name: 'Shiraz', lat: 29.5918, lng: 52.5837 },
  { name: 'Tabriz', lat: 38.0962, lng: 46.2738 },
  { name: 'Ahvaz', lat: 31.3183, lng: 48.6706 },
];
export const FAR_CITIES: readonly City[] = [
  { name: 'Istanbul', lat: 41.0082, lng: 28.9784 },
  { name: 'Dubai', lat: 25.2048, lng: 55.2708 },
  { name: 'London', lat: 51.5072, lng: -0.1276 },
  { name: 'Kuala Lumpur', lat: 3.139, lng: 101.6869 },
  { name: 'Moscow', lat: 55.7558, lng: 37.6173 },
];

export type Customer = {
  id: string;
  type: CustomerType;
  home: City;
  devices: DeviceInfo[];
  /** median purchase in minor units; each purchase is log-normal around it */
  medianAmount: number;
  methods: readonly PaymentMethod[];
};

export type Merchant = { id: string; name: string; category: MerchantCategory; commission: CommissionType; city: City };

export type World = { customers: Customer[]; merchants: Merchant[]; faker: Faker; rng: Rng };

const OS_WEIGHTS = [
  ['Android', 55],
  ['iOS', 35],
  ['Windows', 6],
  ['macOS', 4],
] as const;
const CATEGORY_WEIGHTS = [
  ['retail', 40],
  ['food_service', 30],
  ['transportation', 15],
  ['entertainment', 10],
  ['government', 5],
] as const;
const CUSTOMER_TYPE_WEIGHTS = [
  ['individual', 80],
  ['business', 15],
  ['CIP', 5],
] as const;

export function newDevice(faker: Faker, rng: Rng): DeviceInfo {
  return {
    os: weighted(rng, OS_WEIGHTS),
    app_version: `${intBetween(rng, 1, 4)}.${intBetween(rng, 0, 9)}.${intBetween(rng, 0, 20)}`,
    device_id: `dev_${faker.string.hexadecimal({ length: 12, casing: 'lower', prefix: '' })}`,
  };
}

export function buildWorld(seed: number, customerCount: number, merchantCount: number): World {
  const faker = new Faker({ locale: [en] });
  faker.seed(seed);
  const rng = seededRng(seed);
  const customers: Customer[] = [];
  for (let i = 1; i <= customerCount; i++) {
    const type = weighted(rng, CUSTOMER_TYPE_WEIGHTS);
    const scale = type === 'business' ? 3 : type === 'CIP' ? 2 : 1;
    customers.push({
      id: `cust_${i}`,
      type,
      home: pick(rng, HOME_CITIES),
      devices: Array.from({ length: intBetween(rng, 1, 2) }, () => newDevice(faker, rng)),
      medianAmount: Math.round(logNormal(rng, 180_000 * scale, 0.4)),
      methods: rng() < 0.5 ? ['pos', 'nfc', 'mobile'] : ['online', 'mobile', 'pos'],
    });
  }
  const merchants: Merchant[] = [];
  for (let i = 1; i <= merchantCount; i++) {
    merchants.push({
      id: `merch_${i}`,
      name: faker.company.name(),
      category: weighted(rng, CATEGORY_WEIGHTS),
      commission: pick(rng, ['flat', 'progressive', 'tiered'] as const),
      city: pick(rng, HOME_CITIES),
    });
  }
  return { customers, merchants, faker, rng };
}
