/** What a subscription follows: the global log, one category (first part of composite ids), or one stream. */
export type SubscriptionTarget = 'all' | { category: string } | { stream: string };
