import type { LocaleCopy } from './types.js';

export const zhHans: LocaleCopy = {
  lang: 'zh-Hans',
  codeNote: '验证码将在短时间内失效，且仅可使用一次。请勿将验证码泄露给任何人，我们绝不会向您索取验证码。',
  linkFallback: '如果按钮无法点击，请将以下链接复制到浏览器中打开：',
  footer: '此邮件由系统自动发送，请勿直接回复。',
  types: {
    SignIn: {
      subject: '您的登录验证码',
      intro: '请输入以下验证码完成登录：',
      ignore: '如果不是您本人在尝试登录，请忽略此邮件。',
      sms: '您的登录验证码为 {{code}}，请尽快使用，切勿泄露给他人。',
    },
    Register: {
      subject: '您的注册验证码',
      intro: '请输入以下验证码，验证您的邮箱地址并完成注册：',
      ignore: '如果您并未申请注册，请忽略此邮件。',
      sms: '您的注册验证码为 {{code}}，请尽快使用，切勿泄露给他人。',
    },
    ForgotPassword: {
      subject: '重置密码验证码',
      intro: '请输入以下验证码以重置您的密码：',
      ignore: '如果您并未申请重置密码，请忽略此邮件，您的密码不会被更改。',
      sms: '您的重置密码验证码为 {{code}}。如非本人操作，请忽略本短信。',
    },
    Generic: {
      subject: '您的验证码',
      intro: '请输入以下验证码以继续：',
      ignore: '如果您并未申请此验证码，请忽略此邮件。',
      sms: '您的验证码为 {{code}}，请尽快使用，切勿泄露给他人。',
    },
    OrganizationInvitation: {
      subject: '您已受邀加入组织',
      intro: '请点击下方按钮接受邀请并加入组织。',
      button: '接受邀请',
      ignore: '如果您没有预期收到此邀请，请忽略此邮件。',
      sms: '您已受邀加入组织，点击链接接受邀请：{{link}}',
    },
    UserPermissionValidation: {
      subject: '请验证您的身份',
      intro: '为保障账号安全，修改账号设置前需要验证您的身份。请输入以下验证码：',
      ignore: '如果这不是您本人的操作，请忽略此邮件，您的账号不会发生任何变更。',
      sms: '您的身份验证码为 {{code}}。如非本人操作，请忽略本短信。',
    },
    BindNewIdentifier: {
      subject: '验证您的新邮箱地址',
      intro: '请输入以下验证码，验证此邮箱地址并将其绑定到您的账号：',
      ignore: '如果这不是您本人的操作，请忽略此邮件，此邮箱不会被绑定到任何账号。',
      sms: '您绑定手机号的验证码为 {{code}}，请尽快使用，切勿泄露给他人。',
    },
    MfaVerification: {
      subject: '您的两步验证码',
      intro: '请输入以下验证码，完成两步验证并登录：',
      ignore: '如果您没有尝试登录，可能有人正试图访问您的账号，建议您立即修改密码。',
      sms: '您的两步验证码为 {{code}}，请尽快使用，切勿泄露给他人。',
    },
    BindMfa: {
      subject: '设置两步验证',
      intro: '请输入以下验证码，将此邮箱地址设为两步验证方式：',
      ignore: '如果这不是您本人的操作，请忽略此邮件。',
      sms: '您设置两步验证的验证码为 {{code}}，请尽快使用，切勿泄露给他人。',
    },
  },
};
