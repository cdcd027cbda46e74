// asl-validator 4 ships JavaScript only; this is the part of its API the tests call.
declare module 'asl-validator' {
  interface AslValidatorOptions {
    checkPaths: boolean;
    checkArn: boolean;
  }
  interface AslValidatorResult {
    isValid: boolean;
    errors: { message?: string }[];
    errorsText(separator?: string): string;
  }
  function aslValidator(definition: unknown, options?: AslValidatorOptions): AslValidatorResult;
  export default aslValidator;
}
