namespace Orchestrator.Engine.Options;

/// <summary>The live-adjustable part of the configuration: limits, sizing and protective exits.</summary>
public sealed record RiskParameters(RiskOptions Risk, SizingOptions Sizing, ExitOptions Exits);
