/** Department of a product, as in thelook. */
export type Department = 'Men' | 'Women';

/** One product category of the generated catalogue. */
export interface CategorySpec {
  readonly name: string;
  readonly departments: readonly Department[];
  /** Relative share of the catalogue. */
  readonly weight: number;
  /** Retail price range in whole dollars, min included, max excluded. */
  readonly dollars: readonly [number, number];
  /** The three letters before the dash of the SKU. */
  readonly skuPrefix: string;
  readonly nouns: readonly string[];
}

/**
 * The 26 categories of Google's thelook_ecommerce catalogue, with the departments that sell
 * them, plausible price ranges and product nouns. Weights follow thelook's mix loosely
 * (intimates, jeans and tops are the biggest categories, suits the smallest).
 */
export const CATEGORIES: readonly CategorySpec[] = [
  {
    name: 'Accessories',
    departments: ['Men', 'Women'],
    weight: 6,
    dollars: [8, 80],
    skuPrefix: 'ACC',
    nouns: ['Leather Belt', 'Wool Scarf', 'Knit Beanie', 'Aviator Sunglasses', 'Canvas Tote', 'Baseball Cap'],
  },
  {
    name: 'Active',
    departments: ['Men', 'Women'],
    weight: 4,
    dollars: [15, 90],
    skuPrefix: 'ACT',
    nouns: ['Training Tee', 'Running Short', 'Track Jacket', 'Performance Tank', 'Jogger'],
  },
  {
    name: 'Blazers & Jackets',
    departments: ['Women'],
    weight: 3,
    dollars: [40, 250],
    skuPrefix: 'BLZ',
    nouns: ['Tailored Blazer', 'Cropped Jacket', 'Linen Blazer', 'Denim Jacket'],
  },
  {
    name: 'Clothing Sets',
    departments: ['Women'],
    weight: 1,
    dollars: [25, 120],
    skuPrefix: 'SET',
    nouns: ['Two-Piece Set', 'Lounge Set', 'Knit Set'],
  },
  {
    name: 'Dresses',
    departments: ['Women'],
    weight: 5,
    dollars: [25, 200],
    skuPrefix: 'DRS',
    nouns: ['Wrap Dress', 'Maxi Dress', 'Shift Dress', 'Slip Dress', 'Shirt Dress'],
  },
  {
    name: 'Fashion Hoodies & Sweatshirts',
    departments: ['Men', 'Women'],
    weight: 6,
    dollars: [25, 110],
    skuPrefix: 'HOD',
    nouns: ['Pullover Hoodie', 'Zip Hoodie', 'Crewneck Sweatshirt', 'Fleece Hoodie'],
  },
  {
    name: 'Intimates',
    departments: ['Women'],
    weight: 8,
    dollars: [8, 60],
    skuPrefix: 'INT',
    nouns: ['Lace Bralette', 'Seamless Brief', 'T-Shirt Bra', 'Camisole'],
  },
  {
    name: 'Jeans',
    departments: ['Men', 'Women'],
    weight: 7,
    dollars: [30, 180],
    skuPrefix: 'JNS',
    nouns: ['Slim Jean', 'Straight Leg Jean', 'Skinny Jean', 'Bootcut Jean', 'Relaxed Jean'],
  },
  {
    name: 'Jumpsuits & Rompers',
    departments: ['Women'],
    weight: 1,
    dollars: [30, 130],
    skuPrefix: 'JMP',
    nouns: ['Jumpsuit', 'Romper', 'Utility Jumpsuit'],
  },
  {
    name: 'Leggings',
    departments: ['Women'],
    weight: 2,
    dollars: [12, 70],
    skuPrefix: 'LEG',
    nouns: ['High-Rise Legging', 'Capri Legging', 'Fleece-Lined Legging'],
  },
  {
    name: 'Maternity',
    departments: ['Women'],
    weight: 3,
    dollars: [20, 110],
    skuPrefix: 'MAT',
    nouns: ['Maternity Dress', 'Maternity Jean', 'Nursing Top'],
  },
  {
    name: 'Outerwear & Coats',
    departments: ['Men', 'Women'],
    weight: 5,
    dollars: [60, 320],
    skuPrefix: 'OUT',
    nouns: ['Puffer Jacket', 'Wool Coat', 'Trench Coat', 'Parka', 'Rain Jacket'],
  },
  {
    name: 'Pants',
    departments: ['Men'],
    weight: 4,
    dollars: [30, 140],
    skuPrefix: 'PNT',
    nouns: ['Chino Pant', 'Cargo Pant', 'Dress Pant', 'Five-Pocket Pant'],
  },
  {
    name: 'Pants & Capris',
    departments: ['Women'],
    weight: 3,
    dollars: [25, 120],
    skuPrefix: 'CAP',
    nouns: ['Wide-Leg Pant', 'Capri Pant', 'Cropped Trouser'],
  },
  {
    name: 'Plus',
    departments: ['Women'],
    weight: 3,
    dollars: [20, 120],
    skuPrefix: 'PLS',
    nouns: ['Plus Tunic', 'Plus Wrap Dress', 'Plus Cardigan'],
  },
  {
    name: 'Shorts',
    departments: ['Men', 'Women'],
    weight: 5,
    dollars: [15, 70],
    skuPrefix: 'SHR',
    nouns: ['Cargo Short', 'Chino Short', 'Denim Short', 'Board Short'],
  },
  {
    name: 'Skirts',
    departments: ['Women'],
    weight: 2,
    dollars: [20, 110],
    skuPrefix: 'SKT',
    nouns: ['Pleated Skirt', 'Pencil Skirt', 'Denim Skirt', 'Midi Skirt'],
  },
  {
    name: 'Sleep & Lounge',
    departments: ['Men', 'Women'],
    weight: 5,
    dollars: [15, 90],
    skuPrefix: 'SLP',
    nouns: ['Pajama Pant', 'Sleep Shirt', 'Robe', 'Lounge Jogger'],
  },
  {
    name: 'Socks',
    departments: ['Men'],
    weight: 3,
    dollars: [5, 30],
    skuPrefix: 'SCK',
    nouns: ['Crew Sock', 'Ankle Sock', 'Dress Sock', 'Wool Hiking Sock'],
  },
  {
    name: 'Socks & Hosiery',
    departments: ['Women'],
    weight: 2,
    dollars: [5, 35],
    skuPrefix: 'HOS',
    nouns: ['Sheer Tights', 'No-Show Sock', 'Knee-High Sock'],
  },
  {
    name: 'Suits',
    departments: ['Women'],
    weight: 1,
    dollars: [80, 350],
    skuPrefix: 'SUT',
    nouns: ['Pant Suit', 'Skirt Suit'],
  },
  {
    name: 'Suits & Sport Coats',
    departments: ['Men'],
    weight: 2,
    dollars: [90, 450],
    skuPrefix: 'SPC',
    nouns: ['Two-Button Suit', 'Sport Coat', 'Tuxedo Jacket'],
  },
  {
    name: 'Sweaters',
    departments: ['Men', 'Women'],
    weight: 6,
    dollars: [25, 160],
    skuPrefix: 'SWT',
    nouns: ['Crewneck Sweater', 'V-Neck Sweater', 'Cardigan', 'Turtleneck'],
  },
  {
    name: 'Swim',
    departments: ['Men', 'Women'],
    weight: 6,
    dollars: [15, 110],
    skuPrefix: 'SWM',
    nouns: ['Swim Trunk', 'One-Piece Swimsuit', 'Bikini Top', 'Rash Guard'],
  },
  {
    name: 'Tops & Tees',
    departments: ['Men', 'Women'],
    weight: 8,
    dollars: [10, 70],
    skuPrefix: 'TOP',
    nouns: ['Crew Neck Tee', 'V-Neck Tee', 'Henley', 'Polo Shirt', 'Oxford Shirt'],
  },
  {
    name: 'Underwear',
    departments: ['Men'],
    weight: 4,
    dollars: [8, 45],
    skuPrefix: 'UND',
    nouns: ['Boxer Brief', 'Trunk', 'Undershirt'],
  },
];

/** Fictional brands; an apostrophe and an ampersand keep exporters honest. */
export const BRANDS: readonly string[] = [
  'Northwind Apparel',
  'Harbor & Pine',
  'Kestrel',
  'Alder Row',
  'Bluebird Denim',
  'Copper Lane',
  'Fieldstone',
  'Juniper Co.',
  'Larkspur',
  'Maple & Main',
  'Nimbus Active',
  'Oakridge',
  'Pacific Thread',
  'Redwood Supply',
  'Saltmarsh',
  'Tidewater',
  'Union Loom',
  'Westbrook',
  'Zephyr Sport',
  "O'Connell & Sons",
  'Birchwood',
  'Cobalt Street',
  'Foxglove',
  'Granite Peak',
  'Marlowe',
  'Orchard Lane',
];

export const ADJECTIVES: readonly string[] = [
  'Classic',
  'Essential',
  'Vintage',
  'Slim Fit',
  'Relaxed',
  'Organic Cotton',
  'Stretch',
  'Heritage',
  'Everyday',
  'Lightweight',
  'Recycled',
  'Tailored',
];

export const COLOURS: readonly string[] = [
  'Black',
  'Navy',
  'Heather Grey',
  'Olive',
  'Burgundy',
  'Ivory',
  'Charcoal',
  'Camel',
  'Indigo',
  'Sage',
];

/** Distribution centres products ship from (thelook has ten). */
export const DISTRIBUTION_CENTERS = 10;
