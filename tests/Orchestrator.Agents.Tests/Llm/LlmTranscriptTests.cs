using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Orchestrator.Agents.Llm;
using Orchestrator.Agents.Strategy;
using Orchestrator.Agents.Tests.Fakes;

namespace Orchestrator.Agents.Tests.Llm;

/// <summary>
/// Transcripts of model calls (issue 18): recorded through the real OpenAI client against a fake
/// server on loopback, replayed with that server stopped.
/// </summary>
public sealed class LlmTranscriptTests : IDisposable
{
    private const string Key = "sk-transcript-secret-4f9a2c";
    private readonly string _dir = Directory.CreateTempSubdirectory("llm-transcript-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Recorder_WritesOneLinePerCall_WithEventTimeAgentModelMessagesAnswerAndUsage()
    {
        string path = Path.Combine(_dir, "llm", "gemini_momentum.jsonl");
        await using (FakeOpenAiServer server = await FakeOpenAiServer.StartAsync())
        {
            using var recorder = new LlmTranscriptRecorder(OpenAiCompatibleChatClient.Create(Options(server.BaseUrl)), Options(server.BaseUrl), path);
            server.RespondWithContent("""{"signals":[]}""");
            await recorder.GetResponseAsync(Prompt("AAPL closed 190.5"), At(1_704_205_800_000_000_000));
            server.RespondWithContent("""{"signals":[{"symbol":"AAPL","side":"BUY","confidence":0.7,"reason":"up"}]}""");
            await recorder.GetResponseAsync(Prompt("AAPL closed 191.0"), At(1_704_206_100_000_000_000));
        }

        string[] lines = File.ReadAllLines(path);
        Assert.Equal(2, lines.Length);
        using JsonDocument second = JsonDocument.Parse(lines[1]);
        JsonElement root = second.RootElement;
        Assert.Equal(1_704_206_100_000_000_000, root.GetProperty("event_time_ns").GetInt64());
        Assert.Equal("gemini_momentum", root.GetProperty("agent").GetString());
        Assert.Equal("openai_compatible", root.GetProperty("provider").GetString());
        Assert.Equal("fake-model", root.GetProperty("model").GetString());
        Assert.Equal("AAPL closed 191.0", root.GetProperty("messages")[1].GetProperty("text").GetString());
        Assert.Contains("\"side\":\"BUY\"", root.GetProperty("answer").GetString(), StringComparison.Ordinal);
        Assert.Equal(10, root.GetProperty("usage").GetProperty("input_tokens").GetInt64());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("failure").ValueKind);

        LlmTranscriptFile read = LlmTranscript.Read(path);
        Assert.Equal([1, 2], read.Entries.Select(e => e.Line));
        Assert.False(read.TornTail);
    }

    [Fact]
    public async Task Replayer_WithTheServerStopped_AnswersEachCallAsRecorded_IncludingAFailure()
    {
        string path = Path.Combine(_dir, "agent.jsonl");
        var live = new List<string>();
        await using (FakeOpenAiServer server = await FakeOpenAiServer.StartAsync())
        {
            using var recorder = new LlmTranscriptRecorder(OpenAiCompatibleChatClient.Create(Options(server.BaseUrl)), Options(server.BaseUrl), path);
            server.RespondWithContent("first answer");
            live.Add((await recorder.GetResponseAsync(Prompt("one"), At(1))).Text);
            server.RespondWithStatus(503, "overloaded");
            await Assert.ThrowsAnyAsync<Exception>(() => recorder.GetResponseAsync(Prompt("two"), At(2)));
            server.RespondWithContent("third answer");
            live.Add((await recorder.GetResponseAsync(Prompt("three"), At(3))).Text);
        }

        using LlmTranscriptReplayer replayer = LlmTranscriptReplayer.Open(path, "gemini_momentum");
        ChatResponse first = await replayer.GetResponseAsync(Prompt("one"), At(1));
        LlmHttpException failure = await Assert.ThrowsAsync<LlmHttpException>(() => replayer.GetResponseAsync(Prompt("two"), At(2)));
        ChatResponse third = await replayer.GetResponseAsync(Prompt("three"), At(3));

        Assert.Equal(live, [first.Text, third.Text]);
        Assert.Equal((StrategyFailureKinds.HttpError, 503), (failure.Kind, failure.Status));
        Assert.Equal(10, first.Usage!.OutputTokenCount);
        Assert.Null(replayer.Divergence);
        Assert.Equal(3, replayer.Answered);
    }

    [Fact]
    public async Task Replayer_RefusesAChangedPrompt_NamingTheLineAndTheDifference_AndEveryCallAfter()
    {
        string path = await RecordAsync("AAPL closed 190.5", "AAPL closed 191.0");
        using LlmTranscriptReplayer replayer = LlmTranscriptReplayer.Open(path, "gemini_momentum");
        await replayer.GetResponseAsync(Prompt("AAPL closed 190.5"), At(1));

        LlmTranscriptMismatchException refused = await Assert.ThrowsAsync<LlmTranscriptMismatchException>(() => replayer.GetResponseAsync(Prompt("AAPL closed 199.0"), At(2)));

        Assert.Equal(2, refused.Line);
        Assert.Contains("line 2", refused.Message, StringComparison.Ordinal);
        Assert.Contains("message 2 (user) differs at character 15", refused.Message, StringComparison.Ordinal);
        Assert.Same(refused, replayer.Divergence);
        await Assert.ThrowsAsync<LlmTranscriptMismatchException>(() => replayer.GetResponseAsync(Prompt("AAPL closed 191.0"), At(2)));
    }

    [Fact]
    public async Task Replayer_RefusesACallPastTheEnd_AndACallAtAnotherEventTime()
    {
        string path = await RecordAsync("one");
        using LlmTranscriptReplayer pastEnd = LlmTranscriptReplayer.Open(path, "gemini_momentum");
        await pastEnd.GetResponseAsync(Prompt("one"), At(1));
        LlmTranscriptMismatchException end = await Assert.ThrowsAsync<LlmTranscriptMismatchException>(() => pastEnd.GetResponseAsync(Prompt("one"), At(2)));
        Assert.Contains("runs past the end of the transcript, which holds 1 call(s)", end.Message, StringComparison.Ordinal);

        using LlmTranscriptReplayer otherTime = LlmTranscriptReplayer.Open(path, "gemini_momentum");
        LlmTranscriptMismatchException time = await Assert.ThrowsAsync<LlmTranscriptMismatchException>(() => otherTime.GetResponseAsync(Prompt("one"), At(7)));
        Assert.Contains("event time 7, the recorded one at 1", time.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Transcript_NeverHoldsTheApiKeyOrTheEndpointsUserInfo_WhateverThePromptOrServerEchoes()
    {
        string path = Path.Combine(_dir, "secret.jsonl");
        await using (FakeOpenAiServer server = await FakeOpenAiServer.StartAsync())
        {
            var withUser = new UriBuilder(server.BaseUrl) { UserName = "user", Password = "pw-" + Key }.Uri;
            LlmStrategyOptions options = Options(withUser);
            using var recorder = new LlmTranscriptRecorder(OpenAiCompatibleChatClient.Create(Options(server.BaseUrl)), options, path);
            server.RespondWithStatus(401, "Incorrect API key provided: " + Key);
            await Assert.ThrowsAnyAsync<Exception>(() => recorder.GetResponseAsync(Prompt("key " + Key), At(1)));
            server.RespondWithContent("echo " + Key + " and pw-" + Key);
            await recorder.GetResponseAsync(Prompt("endpoint " + withUser.AbsoluteUri), At(2));
            Assert.Equal(2, recorder.Written);
        }

        string text = File.ReadAllText(path);
        Assert.DoesNotContain(Key, text, StringComparison.Ordinal);
        Assert.DoesNotContain("user:pw-", text, StringComparison.Ordinal);
        Assert.Contains("echo ***", text, StringComparison.Ordinal);
        Assert.Contains("\"http_status\":401", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TornLastLine_IsLeftOutOnRead_AndCutBeforeTheNextAppend()
    {
        string path = await RecordAsync("one", "two");
        string whole = File.ReadAllText(path);
        File.WriteAllText(path, whole + "{\"v\":1,\"event_time_ns\":3,\"agent\":\"gemi");

        LlmTranscriptFile torn = LlmTranscript.Read(path);
        Assert.True(torn.TornTail);
        Assert.Equal(2, torn.Entries.Count);

        await RecordAsync("three");
        LlmTranscriptFile appended = LlmTranscript.Read(path);
        Assert.False(appended.TornTail);
        Assert.Equal(["one", "two", "three"], appended.Entries.Select(e => e.Messages[1].Text));
    }

    [Fact]
    public async Task BrokenLineInTheMiddle_IsAnErrorNamingFileAndLine()
    {
        string path = await RecordAsync("one", "two");
        string[] lines = File.ReadAllLines(path);
        File.WriteAllText(path, lines[0] + "\n{not json\n" + lines[1] + "\n", Encoding.UTF8);

        InvalidDataException error = Assert.Throws<InvalidDataException>(() => LlmTranscript.Read(path));
        Assert.Contains($"'{path}' line 2: not JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateNew_RefusesToOverwriteAnExistingTranscript()
    {
        string path = await RecordAsync("one");
        await using FakeOpenAiServer server = await FakeOpenAiServer.StartAsync();
        Assert.Throws<IOException>(() => new LlmTranscriptRecorder(OpenAiCompatibleChatClient.Create(Options(server.BaseUrl)), Options(server.BaseUrl), path, LlmTranscriptMode.CreateNew));
        Assert.Single(LlmTranscript.Read(path).Entries);
    }

    private async Task<string> RecordAsync(params string[] prompts)
    {
        string path = Path.Combine(_dir, "recorded.jsonl");
        await using FakeOpenAiServer server = await FakeOpenAiServer.StartAsync();
        using var recorder = new LlmTranscriptRecorder(OpenAiCompatibleChatClient.Create(Options(server.BaseUrl)), Options(server.BaseUrl), path);
        long at = File.Exists(path) ? LlmTranscript.Read(path).Entries.Count : 0;
        foreach (string prompt in prompts)
        {
            server.RespondWithContent("answer to " + prompt);
            await recorder.GetResponseAsync(Prompt(prompt), At(++at));
        }

        return path;
    }

    private static LlmStrategyOptions Options(Uri endpoint) => new()
    {
        Endpoint = endpoint,
        Model = "fake-model",
        ApiKey = Key,
        AgentName = "gemini_momentum",
        Provider = LlmProvider.OpenAiCompatible,
    };

    private static List<ChatMessage> Prompt(string user) => [new(ChatRole.System, "You trade."), new(ChatRole.User, user)];

    private static ChatOptions At(long eventTimeNs) => new() { AdditionalProperties = new AdditionalPropertiesDictionary { [LlmTranscript.EventTimeKey] = eventTimeNs } };
}
