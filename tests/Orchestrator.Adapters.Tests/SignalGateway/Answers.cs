using System.Text.Json;

namespace Orchestrator.Adapters.Tests.SignalGateway;

/// <summary>Reading the gateway's answer lines in assertions.</summary>
internal static class Answers
{
    public static string? Status(this JsonElement e) => e.GetProperty("status").GetString();

    public static string? Id(this JsonElement e) => e.GetProperty("id").GetString();

    public static bool IsOutcome(this JsonElement e) => e.Status() is "ordered" or "risk_rejected" or "no_order";

    public static bool IsImmediate(this JsonElement e) => e.Status() is "accepted" or "rejected";
}
