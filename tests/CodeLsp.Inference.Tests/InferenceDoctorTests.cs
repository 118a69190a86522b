namespace CodeLsp.Inference.Tests;

[Collection(ModelCollection.Name)]
public sealed class InferenceDoctorTests(ModelFixture models)
{
    [Fact]
    public async Task Doctor_measures_a_generated_tiny_model()
    {
        var report = await InferenceDoctor.RunAsync(null, models.Logger, CancellationToken.None);

        Assert.True(report.Succeeded, report.Failure);
        Assert.Null(report.ModelPath);
        Assert.Equal("CodeLsp tiny llama", report.ModelName);
        Assert.NotNull(report.NativeLibraryPath);
        Assert.StartsWith("libllama", Path.GetFileName(report.NativeLibraryPath));
        Assert.NotNull(report.NativeBackend);
        Assert.NotEmpty(report.CpuFeatures);
        Assert.True(report.LoadTime > TimeSpan.Zero);
        Assert.True(report.PromptTokens > 100);
        Assert.True(report.PromptTokensPerSecond > 0);
        Assert.Equal(32, report.GeneratedTokens);
        Assert.True(report.GenerationTokensPerSecond > 0);
        Assert.Contains(report.Describe(), line => line.Contains("result:") && line.Contains("OK"));
    }

    [Fact]
    public async Task Doctor_says_exactly_what_failed()
    {
        var missing = Path.Combine(models.Directory, "absent.gguf");

        var report = await InferenceDoctor.RunAsync(missing, models.Logger, CancellationToken.None);

        Assert.False(report.Succeeded);
        Assert.Contains("not found", report.Failure);
        Assert.Contains(report.Describe(), line => line.Contains("FAILED"));
    }
}
