using System.Text.Json.Serialization;
using Orchestrator.AgentClient.Messages;

namespace Orchestrator.AgentClient;

/// <summary>Source-generated (de)serialisation of the protocol's lines: snake_case names, numbers read exactly (decimal).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(Tick))]
[JsonSerializable(typeof(Bar))]
[JsonSerializable(typeof(OrderUpdate))]
[JsonSerializable(typeof(Fill))]
[JsonSerializable(typeof(Position))]
[JsonSerializable(typeof(Account))]
[JsonSerializable(typeof(AgentRequest))]
[JsonSerializable(typeof(DroppedNotice))]
[JsonSerializable(typeof(ErrorNotice))]
[JsonSerializable(typeof(Welcome))]
internal sealed partial class AgentJsonContext : JsonSerializerContext;
