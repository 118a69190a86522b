using CodeLsp.Inference.Constraints;

namespace CodeLsp.Inference.Tests.Constraints;

/// <summary>The real decoding loop on the tiny random model (noise, so only the mask can make it start with a name).</summary>
[Collection(ModelCollection.Name)]
public sealed class ConstrainedGenerationTests(ModelFixture models)
{
    private static readonly GenerationLimits s_limits = new(24, TimeSpan.FromSeconds(30));

    [Theory]
    [InlineData("cart.", "AddItem,Total,Clear,Items,ToString")]
    [InlineData("order.", "Lines,Submit,Status,Id")]
    [InlineData("list.Co", "unt,ntains,nvertAll")]
    [InlineData("var b = new ", "StringBuilder,List,Dictionary,Exception")]
    public async Task The_text_starts_with_an_allowed_name_and_decoding_is_free_after_it(string prefix, string names)
    {
        using var host = await models.LoadAsync(models.DefaultModel);
        var allowed = names.Split(',');
        var prompt = new FimPrompt("void M()\n{\n    " + prefix, ";\n}\n") { FirstIdentifier = new IdentifierConstraint(allowed) };

        var completion = await host.CompleteAsync(prompt, s_limits, CancellationToken.None);

        Assert.Contains(LeadingIdentifier(completion.Text), allowed);
        var report = completion.Constraint!;
        Assert.InRange(report.Steps, 1, completion.GeneratedTokens);
        Assert.True(completion.GeneratedTokens > report.Steps, $"'{completion.Text}': {report}");
    }

    [Fact]
    public async Task Without_a_constraint_the_same_prompts_do_not_start_with_those_names()
    {
        using var host = await models.LoadAsync(models.DefaultModel);
        var prompt = new FimPrompt("void M()\n{\n    cart.", ";\n}\n");

        var completion = await host.CompleteAsync(prompt, s_limits, CancellationToken.None);

        // What makes the test above meaningful: the model left alone writes something else.
        Assert.DoesNotContain(LeadingIdentifier(completion.Text), "AddItem,Total,Clear,Items,ToString".Split(','));
        Assert.Null(completion.Constraint);
    }

    private static string LeadingIdentifier(string text) => new([.. text.TakeWhile(c => char.IsAsciiLetterOrDigit(c) || c == '_')]);
}
