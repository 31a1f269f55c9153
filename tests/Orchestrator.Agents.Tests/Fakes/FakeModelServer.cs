using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Orchestrator.Agents.Tests.Fakes;

/// <summary>
/// A fake model server on loopback (Kestrel, a free port) speaking both the OpenAI chat-completions
/// (<c>POST /v1/chat/completions</c>) and the Anthropic Messages (<c>POST /v1/messages</c>) wire
/// formats (issue 18). It answers from a FIFO script — text, a tool call, an HTTP error with or without
/// <c>Retry-After</c>, an HTML error page, or no answer at all — each optionally after a delay, and with
/// the default answer once the script is empty (<see cref="DefaultText"/>, or one set by a
/// <c>DefaultTo…</c> method: every later request gets it). Every answer carries usage tokens
/// (<see cref="InputTokens"/>, <see cref="OutputTokens"/>). Every request is recorded (<see cref="Requests"/>).
/// </summary>
/// <remarks>
/// <para>An answer may be scripted for one model (the <c>model</c> argument): a request takes the first
/// answer scripted for its model, else the first scripted for any model, else the default. Two agents on
/// one server can so be scripted independently.</para>
/// <para>The script is taken in the order requests arrive; the formats share it (an answer is rendered in
/// the format of the request that takes it).</para>
/// </remarks>
public sealed class FakeModelServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly List<Answer> _script = [];
    private readonly List<ModelRequest> _requests = [];
    private readonly List<(int Count, TaskCompletionSource Done)> _waiters = [];
    private Answer _default = new(AnswerKind.Text, null, null) { Text = """{"signals":[]}""" };
    private int _ids;

    private FakeModelServer(WebApplication app) => _app = app;

    /// <summary>The base URL for the OpenAI SDK and OpenAI-compatible clients: <c>http://127.0.0.1:port/v1</c>.</summary>
    public Uri OpenAiBaseUrl { get; private set; } = null!;

    /// <summary>The base URL for the Anthropic SDK (<c>ClientOptions.BaseUrl</c>): <c>http://127.0.0.1:port</c> (it appends <c>/v1/messages</c>).</summary>
    public Uri AnthropicBaseUrl { get; private set; } = null!;

    /// <summary>The text answered when the script is empty (setting it is <see cref="DefaultToText"/> without a delay).</summary>
    public string DefaultText
    {
        get
        {
            lock (_gate)
            {
                return _default.Kind == AnswerKind.Text ? _default.Text! : string.Empty;
            }
        }

        set => DefaultToText(value);
    }

    /// <summary>Prompt tokens reported in every answer's usage.</summary>
    public int InputTokens { get; set; } = 120;

    /// <summary>Answer tokens reported in every answer's usage.</summary>
    public int OutputTokens { get; set; } = 30;

    /// <summary>The requests received so far, in order.</summary>
    public IReadOnlyList<ModelRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Answers still scripted (not yet taken).</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _script.Count;
            }
        }
    }

    public static async Task<FakeModelServer> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        var server = new FakeModelServer(app);
        app.MapPost("/v1/chat/completions", ctx => server.HandleAsync(ctx, ModelWireFormat.OpenAi));
        app.MapPost("/v1/messages", ctx => server.HandleAsync(ctx, ModelWireFormat.Anthropic));
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First().TrimEnd('/');
        server.OpenAiBaseUrl = new Uri(address + "/v1");
        server.AnthropicBaseUrl = new Uri(address);
        return server;
    }

    /// <summary>Script an answer whose assistant text is <paramref name="text"/>.</summary>
    public FakeModelServer EnqueueText(string text, TimeSpan? delay = null, string? model = null) =>
        Enqueue(new Answer(AnswerKind.Text, model, delay) { Text = text });

    /// <summary>Script an answer that calls tool <paramref name="name"/> with <paramref name="jsonArgs"/> (a JSON object).</summary>
    public FakeModelServer EnqueueToolCall(string name, string jsonArgs, TimeSpan? delay = null, string? model = null)
    {
        JsonNode.Parse(jsonArgs); // a test's typo fails here, not as a puzzling client error
        return Enqueue(new Answer(AnswerKind.ToolCall, model, delay) { Text = name, Arguments = jsonArgs });
    }

    /// <summary>
    /// Script an HTTP error <paramref name="code"/>, with a <c>Retry-After</c> header when
    /// <paramref name="retryAfter"/> is given (seconds, e.g. <c>"1"</c>, or an HTTP date) and
    /// <paramref name="body"/> as the JSON body (else the format's own error shape).
    /// </summary>
    public FakeModelServer EnqueueStatus(int code, string? retryAfter = null, string? body = null, TimeSpan? delay = null, string? model = null) =>
        Enqueue(new Answer(AnswerKind.Status, model, delay) { Code = code, RetryAfter = retryAfter, Text = body });

    /// <summary>Script a 200 answer whose whole body is <paramref name="json"/> (an answer of any shape, e.g. no choices).</summary>
    public FakeModelServer EnqueueBody(string json, string? model = null) => Enqueue(new Answer(AnswerKind.Body, model, null) { Text = json });

    /// <summary>Script an HTML error page with status <paramref name="code"/>, as a proxy in front of the API sends.</summary>
    public FakeModelServer EnqueueHtmlError(int code, TimeSpan? delay = null, string? model = null) =>
        Enqueue(new Answer(AnswerKind.Html, model, delay) { Code = code });

    /// <summary>Script no answer at all: the request waits until the client gives up or the server stops.</summary>
    public FakeModelServer EnqueueHang(string? model = null) => Enqueue(new Answer(AnswerKind.Hang, model, null));

    /// <summary>Once the script is empty, answer every request with <paramref name="text"/>, each after <paramref name="delay"/> when given.</summary>
    public void DefaultToText(string text, TimeSpan? delay = null) => SetDefault(new Answer(AnswerKind.Text, null, delay) { Text = text });

    /// <summary>Once the script is empty, answer every request 200 with <paramref name="json"/> as the whole body (an answer of any shape, e.g. no choices).</summary>
    public void DefaultToBody(string json) => SetDefault(new Answer(AnswerKind.Body, null, null) { Text = json });

    /// <summary>Once the script is empty, answer every request with HTTP <paramref name="code"/> and <paramref name="body"/> (else the format's own error shape).</summary>
    public void DefaultToStatus(int code, string? body = null) => SetDefault(new Answer(AnswerKind.Status, null, null) { Code = code, Text = body });

    /// <summary>Once the script is empty, answer no request at all (each waits until its client gives up or the server stops).</summary>
    public void DefaultToHang() => SetDefault(new Answer(AnswerKind.Hang, null, null));

    /// <summary>Completes once <paramref name="count"/> requests have arrived (a condition to wait on, not a sleep); fails after <paramref name="timeout"/> (30 s by default) so a broken test ends.</summary>
    public async Task WaitForRequestsAsync(int count, TimeSpan? timeout = null)
    {
        TaskCompletionSource done;
        lock (_gate)
        {
            if (_requests.Count >= count)
            {
                return;
            }

            done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, done));
        }

        await done.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private void SetDefault(Answer answer)
    {
        lock (_gate)
        {
            _default = answer;
        }
    }

    private FakeModelServer Enqueue(Answer answer)
    {
        lock (_gate)
        {
            _script.Add(answer);
        }

        return this;
    }

    private async Task HandleAsync(HttpContext ctx, ModelWireFormat format)
    {
        using var reader = new StreamReader(ctx.Request.Body);
        string body = await reader.ReadToEndAsync(ctx.RequestAborted);
        ModelRequest request = Record(ctx.Request, format, body);
        Answer answer = Take(request.Model);
        if (answer.Delay is { } delay)
        {
            await Task.Delay(delay, ctx.RequestAborted);
        }

        switch (answer.Kind)
        {
            case AnswerKind.Hang:
                await HangAsync(ctx);
                return;
            case AnswerKind.Status:
                ctx.Response.StatusCode = answer.Code;
                if (answer.RetryAfter is not null)
                {
                    ctx.Response.Headers.RetryAfter = answer.RetryAfter;
                }

                ctx.Response.ContentType = "application/json";
                await ctx.Response.WriteAsync(answer.Text ?? ErrorBody(format, answer.Code));
                return;
            case AnswerKind.Body:
                ctx.Response.ContentType = "application/json";
                await ctx.Response.WriteAsync(answer.Text!);
                return;
            case AnswerKind.Html:
                ctx.Response.StatusCode = answer.Code;
                ctx.Response.ContentType = "text/html; charset=utf-8";
                string title = answer.Code.ToString(CultureInfo.InvariantCulture) + " " + ReasonPhrases.GetReasonPhrase(answer.Code);
                await ctx.Response.WriteAsync($"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n");
                return;
            default:
                ctx.Response.ContentType = "application/json";
                string id = Interlocked.Increment(ref _ids).ToString(CultureInfo.InvariantCulture);
                JsonObject json = format == ModelWireFormat.OpenAi ? OpenAiAnswer(answer, request.Model, id) : AnthropicAnswer(answer, request.Model, id);
                await ctx.Response.WriteAsync(json.ToJsonString());
                return;
        }
    }

    private async Task HangAsync(HttpContext ctx)
    {
        using var both = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, _stopping.Token);
        try
        {
            await Task.Delay(Timeout.Infinite, both.Token);
        }
        catch (OperationCanceledException)
        {
            // the client gave up (the case under test) or the server is stopping
        }
    }

    private Answer Take(string model)
    {
        lock (_gate)
        {
            int index = _script.FindIndex(a => a.Model == model);
            if (index < 0)
            {
                index = _script.FindIndex(a => a.Model is null);
            }

            if (index < 0)
            {
                return _default;
            }

            Answer answer = _script[index];
            _script.RemoveAt(index);
            return answer;
        }
    }

    private ModelRequest Record(HttpRequest http, ModelWireFormat format, string body)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? credential = null;
        foreach (KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues> header in http.Headers)
        {
            string name = header.Key.ToLowerInvariant();
            string value = header.Value.ToString();
            if (name == "authorization")
            {
                credential = value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? value["Bearer ".Length..] : value;
            }
            else if (name == "x-api-key")
            {
                credential = value;
            }
            else
            {
                headers[name] = value;
            }
        }

        string model = string.Empty;
        var texts = new StringBuilder();
        var tools = new List<string>();
        try
        {
            JsonNode? root = JsonNode.Parse(body);
            model = root?["model"]?.GetValue<string>() ?? string.Empty;
            if (root?["system"] is { } system)
            {
                AppendText(texts, system);
            }

            if (root?["messages"] is JsonArray messages)
            {
                foreach (JsonNode? message in messages)
                {
                    AppendText(texts, message?["content"]);
                    if (message?["tool_calls"] is JsonArray calls)
                    {
                        foreach (JsonNode? call in calls)
                        {
                            AppendText(texts, call?["function"]?["arguments"]);
                        }
                    }
                }
            }

            if (root?["tools"] is JsonArray offered)
            {
                foreach (JsonNode? tool in offered)
                {
                    string? name = (tool?["function"]?["name"] ?? tool?["name"])?.GetValue<string>();
                    if (name is not null)
                    {
                        tools.Add(name);
                    }
                }
            }
        }
        catch (JsonException)
        {
            // recorded as received; the client will get an answer from the script anyway
        }

        var request = new ModelRequest(format, http.Path.Value ?? string.Empty, model, texts.ToString(), tools, headers, credential, body);
        lock (_gate)
        {
            _requests.Add(request);
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_requests.Count >= _waiters[i].Count)
                {
                    _waiters[i].Done.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }

        return request;
    }

    /// <summary>Text of a content member: a string, or blocks/parts with <c>text</c>, tool results' <c>content</c> and tool uses' <c>input</c>.</summary>
    private static void AppendText(StringBuilder texts, JsonNode? content)
    {
        switch (content)
        {
            case JsonValue value when value.TryGetValue(out string? text):
                texts.Append(text).Append('\n');
                break;
            case JsonArray blocks:
                foreach (JsonNode? block in blocks)
                {
                    if (block?["text"] is { } text)
                    {
                        AppendText(texts, text);
                    }

                    if (block?["content"] is { } inner)
                    {
                        AppendText(texts, inner);
                    }

                    if (block?["input"] is JsonObject input)
                    {
                        texts.Append(input.ToJsonString()).Append('\n');
                    }
                }

                break;
        }
    }

    private JsonObject OpenAiAnswer(Answer answer, string model, string id)
    {
        JsonObject message = answer.Kind == AnswerKind.ToolCall
            ? new JsonObject
            {
                ["role"] = "assistant",
                ["content"] = null,
                ["tool_calls"] = new JsonArray(new JsonObject
                {
                    ["id"] = "call_" + id,
                    ["type"] = "function",
                    ["function"] = new JsonObject { ["name"] = answer.Text, ["arguments"] = answer.Arguments },
                }),
            }
            : new JsonObject { ["role"] = "assistant", ["content"] = answer.Text };
        return new JsonObject
        {
            ["id"] = "chatcmpl-" + id,
            ["object"] = "chat.completion",
            ["created"] = 1_700_000_000,
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = message,
                ["finish_reason"] = answer.Kind == AnswerKind.ToolCall ? "tool_calls" : "stop",
            }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = InputTokens, ["completion_tokens"] = OutputTokens, ["total_tokens"] = InputTokens + OutputTokens },
        };
    }

    private JsonObject AnthropicAnswer(Answer answer, string model, string id)
    {
        JsonObject block = answer.Kind == AnswerKind.ToolCall
            ? new JsonObject { ["type"] = "tool_use", ["id"] = "toolu_" + id, ["name"] = answer.Text, ["input"] = JsonNode.Parse(answer.Arguments!) }
            : new JsonObject { ["type"] = "text", ["text"] = answer.Text };
        return new JsonObject
        {
            ["id"] = "msg_" + id,
            ["type"] = "message",
            ["role"] = "assistant",
            ["model"] = model,
            ["content"] = new JsonArray(block),
            ["stop_reason"] = answer.Kind == AnswerKind.ToolCall ? "tool_use" : "end_turn",
            ["stop_sequence"] = null,
            ["usage"] = new JsonObject { ["input_tokens"] = InputTokens, ["output_tokens"] = OutputTokens },
        };
    }

    private static string ErrorBody(ModelWireFormat format, int code)
    {
        string type = code switch
        {
            429 => "rate_limit_error",
            401 => "authentication_error",
            400 => "invalid_request_error",
            529 => "overloaded_error",
            _ => "api_error",
        };
        string message = "fake server: HTTP " + code.ToString(CultureInfo.InvariantCulture);
        return format == ModelWireFormat.OpenAi
            ? JsonSerializer.Serialize(new { error = new { message, type, code = "fake" } })
            : JsonSerializer.Serialize(new { type = "error", error = new { type, message } });
    }

    private enum AnswerKind
    {
        Text,
        ToolCall,
        Status,
        Body,
        Html,
        Hang,
    }

    private sealed record Answer(AnswerKind Kind, string? Model, TimeSpan? Delay)
    {
        public string? Text { get; init; }

        public string? Arguments { get; init; }

        public int Code { get; init; }

        public string? RetryAfter { get; init; }
    }
}
