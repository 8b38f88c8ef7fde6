import type { LocaleCopy } from './types.js';

export const zhHant: LocaleCopy = {
  lang: 'zh-Hant',
  codeNote: '此驗證碼將在短時間內失效，且僅能使用一次。請勿將驗證碼告知任何人，我們絕不會向您索取驗證碼。',
  linkFallback: '如果按鈕無法使用，請將以下連結複製到瀏覽器中開啟：',
  footer: '此郵件由系統自動發送，請勿直接回覆。',
  types: {
    SignIn: {
      subject: '您的登入驗證碼',
      intro: '請輸入以下驗證碼以完成登入：',
      ignore: '如果您並未嘗試登入，請忽略此郵件。',
      sms: '您的登入驗證碼為 {{code}}，請盡快使用，切勿告知他人。',
    },
    Register: {
      subject: '您的註冊驗證碼',
      intro: '請輸入以下驗證碼，以驗證您的電子郵件地址並完成註冊：',
      ignore: '如果您並未申請註冊，請忽略此郵件。',
      sms: '您的註冊驗證碼為 {{code}}，請盡快使用，切勿告知他人。',
    },
    ForgotPassword: {
      subject: '重設密碼驗證碼',
      intro: '請輸入以下驗證碼以重設您的密碼：',
      ignore: '如果您並未申請重設密碼，請忽略此郵件，您的密碼不會有任何變更。',
      sms: '您的重設密碼驗證碼為 {{code}}。若非本人操作，請忽略此簡訊。',
    },
    Generic: {
      subject: '您的驗證碼',
      intro: '請輸入以下驗證碼以繼續：',
      ignore: '如果您並未申請此驗證碼，請忽略此郵件。',
      sms: '您的驗證碼為 {{code}}，請盡快使用，切勿告知他人。',
    },
    OrganizationInvitation: {
      subject: '您已受邀加入組織',
      intro: '請點擊下方按鈕接受邀請並加入組織。',
      button: '接受邀請',
      ignore: '如果您並未預期收到此邀請，請忽略此郵件。',
      sms: '您已受邀加入組織，請點擊連結接受邀請：{{link}}',
    },
    UserPermissionValidation: {
      subject: '請驗證您的身分',
      intro: '為保障您的帳號安全，變更帳號設定前需要先驗證您的身分。請輸入以下驗證碼：',
      ignore: '如果這不是您本人的操作，請忽略此郵件，您的帳號不會有任何變更。',
      sms: '您的身分驗證碼為 {{code}}。若非本人操作，請忽略此簡訊。',
    },
    BindNewIdentifier: {
      subject: '驗證您的新電子郵件地址',
      intro: '請輸入以下驗證碼，以驗證此電子郵件地址並綁定至您的帳號：',
      ignore: '如果這不是您本人的操作，請忽略此郵件，此地址不會綁定至任何帳號。',
      sms: '您綁定手機號碼的驗證碼為 {{code}}，請盡快使用，切勿告知他人。',
    },
    MfaVerification: {
      subject: '您的兩步驟驗證碼',
      intro: '請輸入以下驗證碼，完成兩步驟驗證並登入：',
      ignore: '如果您並未嘗試登入，可能有他人正試圖存取您的帳號，建議您立即變更密碼。',
      sms: '您的兩步驟驗證碼為 {{code}}，請盡快使用，切勿告知他人。',
    },
    BindMfa: {
      subject: '設定兩步驟驗證',
      intro: '請輸入以下驗證碼，將此電子郵件地址設為兩步驟驗證方式：',
      ignore: '如果這不是您本人的操作，請忽略此郵件。',
      sms: '您設定兩步驟驗證的驗證碼為 {{code}}，請盡快使用，切勿告知他人。',
    },
  },
};
