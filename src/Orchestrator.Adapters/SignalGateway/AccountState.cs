namespace Orchestrator.Adapters.SignalGateway;

/// <summary>The account as last published to agents (from the engine's snapshot, at most once per second, on change).</summary>
internal sealed record AccountState(long CashRaw, long EquityRaw, long BuyingPowerRaw, long TsNs);
