package io.github.sqsreliable.stepfunctions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnAsyncClient;

/**
 * A polling service has no sqs-reliable-lambda: the task builds there, as a plain {@link StepFunctionsTask}, without
 * loading a Lambda type. Checked in a class loader over this module's test class path minus the Lambda module.
 */
class WithoutLambdaTest {

    /** Runs inside the class loader without the Lambda module. */
    public static final class BuildTask implements Callable<String> {
        @Override
        public String call() {
            try (SfnAsyncClient sfn = SfnAsyncClient.builder().region(Region.US_EAST_1)
                    .credentialsProvider(AnonymousCredentialsProvider.create()).build();
                 StepFunctionsTask task = StepFunctionsTask.builder().sfnClient(sfn)
                         .handler((message, context) -> null).build()) {
                return task.getClass().getName();
            }
        }
    }

    @Test
    void buildsAPlainTaskWhenTheLambdaModuleIsAbsent() throws Exception {
        List<URL> urls = new ArrayList<>();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!entry.contains("sqs-reliable-lambda")) {
                urls.add(new File(entry).toURI().toURL());
            }
        }
        try (URLClassLoader withoutLambda = new URLClassLoader(urls.toArray(new URL[0]),
                ClassLoader.getPlatformClassLoader())) {
            assertThatThrownBy(() -> withoutLambda.loadClass("io.github.sqsreliable.lambda.InvocationListener"))
                    .isInstanceOf(ClassNotFoundException.class);

            Callable<?> build = (Callable<?>) withoutLambda.loadClass(BuildTask.class.getName())
                    .getConstructor().newInstance();

            assertThat(build.call()).isEqualTo(StepFunctionsTask.class.getName());
        }
        // and with it, as in a Lambda function, the task is also the function's InvocationListener
        assertThat(new BuildTask().call()).isEqualTo(LambdaStepFunctionsTask.class.getName());
    }
}
